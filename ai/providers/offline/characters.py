"""The cast: who can star in a story, what they look like, and what they always wear.

The accessory matters: it is named in the character sheet and drawn on every page, so a
child can find "the dinosaur with the striped scarf" on each picture.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ai.providers.offline.lexicon import Concept


@dataclass(frozen=True)
class Species:
    id: str  # also the figure id in figures.py
    en: str
    pt: tuple[str | None, str | None]  # masculine, feminine (None: the word has one gender only)
    es: tuple[str | None, str | None]
    look_en: str
    look_pt: str
    look_es: str


SPECIES: dict[str, Species] = {
    s.id: s
    for s in (
        Species(
            "dinosaur",
            "dinosaur",
            ("dinossauro", None),
            ("dinosaurio", None),
            "a long tail, a round spotted belly and little plates along the back",
            "uma cauda comprida, bolinhas na barriga e plaquinhas nas costas",
            "una cola larga, manchitas en la barriga y placas en la espalda",
        ),
        Species(
            "cat",
            "cat",
            ("gato", "gata"),
            ("gato", "gata"),
            "soft whiskers, pointy ears and a curly tail",
            "bigodes macios, orelhas pontudas e um rabo enroladinho",
            "bigotes suaves, orejas puntiagudas y una cola enroscada",
        ),
        Species(
            "lion",
            "lion",
            ("leão", "leoa"),
            ("león", "leona"),
            "a big fluffy mane and a tufted tail",
            "uma juba enorme e fofa e um rabo com um tufinho na ponta",
            "una melena grande y esponjosa y una cola con un mechón en la punta",
        ),
        Species(
            "dog",
            "puppy",
            ("cachorrinho", "cachorrinha"),
            ("perrito", "perrita"),
            "floppy ears, a shiny nose and a wagging tail",
            "orelhas caídas, um focinho brilhante e um rabo que não parava de abanar",
            "orejas caídas, una nariz brillante y una cola que no dejaba de moverse",
        ),
        Species(
            "rabbit",
            "rabbit",
            ("coelho", "coelha"),
            ("conejo", "coneja"),
            "long ears, two big front teeth and a cotton tail",
            "orelhas compridas, dois dentinhos grandes e um rabinho de algodão",
            "orejas largas, dos dientes grandes y una colita de algodón",
        ),
        Species(
            "bear",
            "bear cub",
            ("ursinho", "ursinha"),
            ("osito", "osita"),
            "round ears, a soft round belly and a little black nose",
            "orelhas redondas, uma barriga fofinha e um narizinho preto",
            "orejas redondas, una barriga blandita y una naricita negra",
        ),
        Species(
            "owl",
            "owl",
            (None, "coruja"),
            ("búho", "lechuza"),
            "huge round eyes, feathery ear tufts and a tiny beak",
            "olhos enormes e redondos, tufinhos de penas na cabeça e um bico pequenino",
            "ojos enormes y redondos, penachos en la cabeza y un pico pequeñito",
        ),
        Species(
            "turtle",
            "turtle",
            (None, "tartaruga"),
            (None, "tortuga"),
            "a shell covered in hexagon patterns and a friendly smile",
            "um casco cheio de desenhos de hexágonos e um sorriso simpático",
            "un caparazón lleno de dibujos de hexágonos y una sonrisa simpática",
        ),
        Species(
            "elephant",
            "elephant",
            ("elefante", "elefanta"),
            ("elefante", "elefanta"),
            "big flappy ears, a long curly trunk and tiny toenails",
            "orelhas grandes que abanavam, uma tromba comprida e unhas pequeninas",
            "orejas grandes que se agitaban, una trompa larga y uñitas pequeñas",
        ),
    )
}


@dataclass(frozen=True)
class Accessory:
    id: str  # drawn by drawables.draw_accessory
    en: str
    pt: str
    es: str


ACCESSORIES = (
    Accessory("scarf", "a striped scarf", "um cachecol listrado", "una bufanda a rayas"),
    Accessory("bow", "a big bow on the head", "um laço grande na cabeça", "un gran lazo en la cabeza"),
    Accessory("glasses", "round glasses", "óculos redondos", "unas gafas redondas"),
    Accessory("hat", "a little explorer hat", "um chapeuzinho de explorador", "un sombrerito de explorador"),
    Accessory("flower", "a flower on the head", "uma flor na cabeça", "una flor en la cabeza"),
)

NAMES = {
    "pt": (
        ("Tito", "Léo", "Caio", "Davi", "Théo", "Zeca", "Juca", "Bento"),
        ("Lia", "Nina", "Bia", "Malu", "Jade", "Cecília", "Lulu", "Mel"),
    ),
    "en": (
        ("Max", "Leo", "Sam", "Ollie", "Finn", "Toby", "Milo", "Jack"),
        ("Ruby", "Lily", "Mia", "Rosie", "Ella", "Daisy", "Lucy", "Zoe"),
    ),
    "es": (
        ("Pablo", "Nico", "Tomás", "Mateo", "Bruno", "Simón", "Lucas", "Teo"),
        ("Lola", "Sofía", "Luna", "Inés", "Martina", "Valeria", "Paz", "Julia"),
    ),
}


@dataclass(frozen=True)
class Character:
    name: str
    species: Species
    feminine: bool  # grammatical gender of the character in this language
    noun: str  # "dinossauro", "gata", "puppy"
    look: str
    accessory: Accessory
    wear: str  # the accessory in the book's language

    def describe_en(self) -> str:
        return f"{self.name} the little {self.species.en} wearing {self.accessory.en}"


def cast(rng: random.Random, language: str, concepts: list[Concept]) -> tuple[Character, Character]:
    """Pick the hero (the theme's animal when there is one) and a friend of another species."""
    animals = [c.id for c in concepts if c.animal and c.id in SPECIES]
    hero_id = animals[0] if animals else rng.choice(sorted(SPECIES))
    friend_pool = [s for s in sorted(SPECIES) if s != hero_id]
    friend_id = animals[1] if len(animals) > 1 and animals[1] != hero_id else rng.choice(friend_pool)
    hero = _character(rng, language, SPECIES[hero_id], rng.choice(ACCESSORIES), avoid="")
    friend_accessory = rng.choice([a for a in ACCESSORIES if a != hero.accessory])
    friend = _character(rng, language, SPECIES[friend_id], friend_accessory, avoid=hero.name)
    return hero, friend


def _character(
    rng: random.Random, language: str, species: Species, accessory: Accessory, avoid: str
) -> Character:
    feminine = rng.random() < 0.5
    forms = (species.en, species.en) if language == "en" else getattr(species, language)
    if forms[1 if feminine else 0] is None:
        feminine = not feminine
    names = [n for n in NAMES[language][1 if feminine else 0] if n != avoid]
    return Character(
        name=rng.choice(names),
        species=species,
        feminine=feminine,
        noun=forms[1 if feminine else 0] or species.en,
        look=getattr(species, f"look_{language}"),
        accessory=accessory,
        wear=getattr(accessory, language),
    )
