# ruff: noqa: E501  (one concept per line reads best; this block is data)
"""Things a child's book can be about, in the three languages, with what to draw for each.

The story writer matches the parent's theme against these words (so "dinossauros",
"dinosaurs" and "dinosaurios" all find the dinosaur) and uses the localized nouns in its
sentences; the illustrator matches the English prompt (and pt/es words) to draw them.
Place or mass nouns ("espaço", "fundo do mar") map to a countable thing a story can use
("foguetes", "peixes").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Concept:
    id: str
    draw: str  # a drawable id (see drawables.py)
    en: tuple[str, str]  # singular, plural
    pt: tuple[str, str, str]  # singular, plural, grammatical gender "m" | "f"
    es: tuple[str, str, str]
    stems: tuple[str, ...]  # accent-free word starts that also match (diminutives, related words)
    animal: bool = False


def C(cid, en1, en2, pt1, pt2, ptg, es1, es2, esg, stems="", draw="", animal=False) -> Concept:  # noqa: N802
    return Concept(
        cid, draw or cid, (en1, en2), (pt1, pt2, ptg), (es1, es2, esg), tuple(stems.split()), animal
    )


# fmt: off
CONCEPTS: tuple[Concept, ...] = (
    # Animals; the first ten have a hand-drawn figure and can be the main character.
    C("dinosaur", "dinosaur", "dinosaurs", "dinossauro", "dinossauros", "m", "dinosaurio", "dinosaurios", "m", "dino dinossaur dinosaur tiranoss t-rex trex fossil", animal=True),
    C("cat", "cat", "cats", "gato", "gatos", "m", "gato", "gatos", "m", "gatinh gatit kitt", animal=True),
    C("lion", "lion", "lions", "leão", "leões", "m", "león", "leones", "m", "leao leoes leon leoa leona", animal=True),
    C("dog", "dog", "dogs", "cachorro", "cachorros", "m", "perro", "perros", "m", "cachorr cao caes puppy perrit cachorrit", animal=True),
    C("rabbit", "rabbit", "rabbits", "coelho", "coelhos", "m", "conejo", "conejos", "m", "coelh conej bunny bunnies", animal=True),
    C("bear", "bear", "bears", "urso", "ursos", "m", "oso", "osos", "m", "urs osit teddy", animal=True),
    C("owl", "owl", "owls", "coruja", "corujas", "f", "búho", "búhos", "m", "coruj buho lechuz", animal=True),
    C("bird", "bird", "birds", "passarinho", "passarinhos", "m", "pájaro", "pájaros", "m", "passar passaro aves pajar duck pato chicken galinh gallin penguin pinguin parrot papagai loro", animal=True),
    C("turtle", "turtle", "turtles", "tartaruga", "tartarugas", "f", "tortuga", "tortugas", "f", "tartarug tortug tortoise jabuti", animal=True),
    C("elephant", "elephant", "elephants", "elefante", "elefantes", "m", "elefante", "elefantes", "m", "elefant", animal=True),
    C("fish", "fish", "fish", "peixe", "peixes", "m", "pez", "peces", "m", "peix pececit ocean ocea mar sea fundo whale baleia ballena shark tubar dolphin golfinh delfin"),
    C("butterfly", "butterfly", "butterflies", "borboleta", "borboletas", "f", "mariposa", "mariposas", "f", "borbolet mariposit insect inseto insecto"),
    C("horse", "horse", "horses", "cavalo", "cavalos", "m", "caballo", "caballos", "m", "caval caball pony poni unicorn unicornio"),
    C("pig", "pig", "pigs", "porquinho", "porquinhos", "m", "cerdito", "cerditos", "m", "porc cerd chanchit farm fazend granja sitio"),
    C("deer", "deer", "deer", "veado", "veados", "m", "ciervo", "ciervos", "m", "cervo ciervo bambi"),
    C("bug", "ladybug", "ladybugs", "joaninha", "joaninhas", "f", "mariquita", "mariquitas", "f", "joaninh mariquit ladybird beetle besouro abeja abelh bee formig hormig ant"),
    C("dragon", "dragon", "dragons", "dragão", "dragões", "m", "dragón", "dragones", "m", "dragao dragoes dragon", draw="dinosaur"),
    C("monster", "little monster", "little monsters", "monstrinho", "monstrinhos", "m", "monstruito", "monstruitos", "m", "monstr alien extraterr et", draw="alien"),
    # Sky and space.
    C("rocket", "rocket", "rockets", "foguete", "foguetes", "m", "cohete", "cohetes", "m", "foguet cohet space espac espaci astronaut cosmo galax"),
    C("planet", "planet", "planets", "planeta", "planetas", "m", "planeta", "planetas", "m", "planet saturn"),
    C("star", "star", "stars", "estrela", "estrelas", "f", "estrella", "estrellas", "f", "estrel estrell constel"),
    C("moon", "moon", "moons", "lua", "luas", "f", "luna", "lunas", "f", "lunar luar noite night noche"),
    C("sun", "sun", "suns", "sol", "sóis", "m", "sol", "soles", "m", "solar sunny ensolar verao verano summer"),
    C("cloud", "cloud", "clouds", "nuvem", "nuvens", "f", "nube", "nubes", "f", "nuve chuva lluvi rain"),
    C("rainbow", "rainbow", "rainbows", "arco-íris", "arco-íris", "m", "arcoíris", "arcoíris", "m", "arco-iris arcoiris cores colores colors colours"),
    C("ufo", "flying saucer", "flying saucers", "disco voador", "discos voadores", "m", "platillo volador", "platillos voladores", "m", "ovni disco platillo"),
    # Nature.
    C("tree", "tree", "trees", "árvore", "árvores", "f", "árbol", "árboles", "m", "arvor arbol forest florest bosque selva jungle mata"),
    C("flower", "flower", "flowers", "flor", "flores", "f", "flor", "flores", "f", "florzinh florecit garden jardim jardin primavera spring"),
    C("leaf", "leaf", "leaves", "folha", "folhas", "f", "hoja", "hojas", "f", "folh hoj outono otono autumn"),
    C("mushroom", "mushroom", "mushrooms", "cogumelo", "cogumelos", "m", "hongo", "hongos", "m", "cogumel hong seta"),
    C("cactus", "cactus", "cacti", "cacto", "cactos", "m", "cactus", "cactus", "m", "cact desert desiert"),
    C("mountain", "mountain", "mountains", "montanha", "montanhas", "f", "montaña", "montañas", "f", "montanh montan vulc volcan"),
    C("snowman", "snowman", "snowmen", "boneco de neve", "bonecos de neve", "m", "muñeco de nieve", "muñecos de nieve", "m", "neve nieve snow inverno invierno winter"),
    C("plant", "seed", "seeds", "sementinha", "sementinhas", "f", "semillita", "semillas", "f", "plant semen semill horta huert natureza naturaleza nature"),
    # Food.
    C("apple", "apple", "apples", "maçã", "maçãs", "f", "manzana", "manzanas", "f", "maca manzan fruta fruit"),
    C("carrot", "carrot", "carrots", "cenoura", "cenouras", "f", "zanahoria", "zanahorias", "f", "cenour zanahori legume veget verdura"),
    C("cake", "cake", "cakes", "bolo", "bolos", "m", "pastel", "pasteles", "m", "bolo pastel aniversar cumplean birthday festa fiesta party cupcake"),
    C("ice_cream", "ice cream", "ice creams", "sorvete", "sorvetes", "m", "helado", "helados", "m", "sorvet helad picol"),
    C("pizza", "pizza", "pizzas", "pizza", "pizzas", "f", "pizza", "pizzas", "f", "pizz"),
    C("candy", "candy", "candies", "doce", "doces", "m", "caramelo", "caramelos", "m", "doce docinh bala caramel golosin sweet candies"),
    C("cookie", "cookie", "cookies", "biscoito", "biscoitos", "m", "galleta", "galletas", "f", "biscoit bolach gallet cozinh cocin cook culinar"),
    # Toys, play and school.
    C("ball", "ball", "balls", "bola", "bolas", "f", "pelota", "pelotas", "f", "bola pelot futebol futbol soccer football sport esport deport"),
    C("kite", "kite", "kites", "pipa", "pipas", "f", "cometa", "cometas", "f", "pipa papagaio cometa vento wind"),
    C("balloon", "balloon", "balloons", "balão", "balões", "m", "globo", "globos", "m", "balao baloes globo"),
    C("gift", "present", "presents", "presente", "presentes", "m", "regalo", "regalos", "m", "present regal gift natal navidad christmas"),
    C("book", "book", "books", "livro", "livros", "m", "libro", "libros", "m", "livr libr leitur lectur read escola school escuel biblio"),
    C("pencil", "pencil", "pencils", "lápis", "lápis", "m", "lápiz", "lápices", "m", "lapis lapiz lapices desenh dibuj draw crayon"),
    C("robot", "robot", "robots", "robô", "robôs", "m", "robot", "robots", "m", "robo robot tecnolog"),
    C("music", "song", "songs", "canção", "canções", "f", "canción", "canciones", "f", "music musica cancao cancoes cancion song cantar sing danc"),
    C("piano", "piano", "pianos", "piano", "pianos", "m", "piano", "pianos", "m", "pian instrument"),
    C("dice", "dice", "dice", "dado", "dados", "m", "dado", "dados", "m", "dado jogo juego game"),
    C("abacus", "abacus", "abacuses", "ábaco", "ábacos", "m", "ábaco", "ábacos", "m", "abac numer number count contar matemat math"),
    C("trophy", "trophy", "trophies", "troféu", "troféus", "m", "trofeo", "trofeos", "m", "trofe medal campeo campeon olimp"),
    C("crown", "crown", "crowns", "coroa", "coroas", "f", "corona", "coronas", "f", "coroa coron princes princip rei rainha reina rey king queen royal"),
    C("castle", "castle", "castles", "castelo", "castelos", "m", "castillo", "castillos", "m", "castel castill palac knight cavaleir caballer"),
    C("wand", "magic wand", "magic wands", "varinha mágica", "varinhas mágicas", "f", "varita mágica", "varitas mágicas", "f", "magic magia fada hada fairy bruxa bruja witch mago wizard"),
    C("treasure", "treasure chest", "treasure chests", "baú de tesouro", "baús de tesouro", "m", "cofre del tesoro", "cofres del tesoro", "m", "tesour tesor treasure pirat", draw="box"),
    C("map", "map", "maps", "mapa", "mapas", "m", "mapa", "mapas", "m", "mapa explor aventur adventur"),
    C("telescope", "telescope", "telescopes", "telescópio", "telescópios", "m", "telescopio", "telescopios", "m", "telescop astronom ciencia science scien"),
    C("globe", "globe", "globes", "globo terrestre", "globos terrestres", "m", "globo terráqueo", "globos terráqueos", "m", "mundo world planeta-terra viag viaj travel geograf"),
    C("heart", "heart", "hearts", "coração", "corações", "m", "corazón", "corazones", "m", "coraca corazon amor love carinho carino famil"),
    C("tooth", "tooth", "teeth", "dentinho", "dentinhos", "m", "dientito", "dientitos", "m", "dent dient teeth tooth dental escov cepill"),
    C("bath", "bathtub", "bathtubs", "banheira", "banheiras", "f", "bañera", "bañeras", "f", "banh bano baño bath sabao jabon soap"),
    C("bed", "bed", "beds", "cama", "camas", "f", "cama", "camas", "f", "cama sono sueno dormir sleep"),
    C("pumpkin", "pumpkin", "pumpkins", "abóbora", "abóboras", "f", "calabaza", "calabazas", "f", "abobor calabaz halloween"),
    C("christmas_tree", "christmas tree", "christmas trees", "árvore de natal", "árvores de natal", "f", "árbol de navidad", "árboles de navidad", "m", "pinheir pino"),
    # Vehicles and places.
    C("car", "car", "cars", "carrinho", "carrinhos", "m", "carrito", "carritos", "m", "carr coche auto"),
    C("bus", "bus", "buses", "ônibus", "ônibus", "m", "autobús", "autobuses", "m", "onibus autobus"),
    C("train", "train", "trains", "trem", "trens", "m", "tren", "trenes", "m", "trem tren ferrov"),
    C("plane", "airplane", "airplanes", "avião", "aviões", "m", "avión", "aviones", "m", "aviao avioes avion plane aeropl voar volar fly"),
    C("helicopter", "helicopter", "helicopters", "helicóptero", "helicópteros", "m", "helicóptero", "helicópteros", "m", "helicop"),
    C("bike", "bicycle", "bicycles", "bicicleta", "bicicletas", "f", "bicicleta", "bicicletas", "f", "bicicl bike cicl"),
    C("ship", "boat", "boats", "barquinho", "barquinhos", "m", "barquito", "barquitos", "m", "barc barqu navio boat ship velero veleiro marinheir marin pirat sailor"),
    C("truck", "truck", "trucks", "caminhão", "caminhões", "m", "camión", "camiones", "m", "caminh camion"),
    C("tractor", "tractor", "tractors", "trator", "tratores", "m", "tractor", "tractores", "m", "trator tractor"),
    C("firetruck", "fire truck", "fire trucks", "caminhão de bombeiros", "caminhões de bombeiros", "m", "camión de bomberos", "camiones de bomberos", "m", "bombeir bomber firefight"),
    C("house", "house", "houses", "casinha", "casinhas", "f", "casita", "casitas", "f", "casa casinh home"),
    C("tent", "tent", "tents", "barraca", "barracas", "f", "tienda de campaña", "tiendas de campaña", "f", "barrac acamp camping campament"),
    C("umbrella", "beach umbrella", "beach umbrellas", "guarda-sol", "guarda-sóis", "m", "sombrilla", "sombrillas", "f", "prai playa beach areia arena guarda-chuva paraguas"),
    C("stethoscope", "doctor kit", "doctor kits", "maleta de médico", "maletas de médico", "f", "maletín de médico", "maletines de médico", "m", "medic doctor saude salud health hospital"),
    C("chef_hat", "chef hat", "chef hats", "chapéu de cozinheiro", "chapéus de cozinheiro", "m", "gorro de cocinero", "gorros de cocinero", "m", "chef cozinheir cocinero"),
)
# fmt: on

_STOP_WORDS = frozenset(
    [
        "a",
        "o",
        "e",
        "de",
        "da",
        "do",
        "das",
        "dos",
        "em",
        "no",
        "na",
        "nos",
        "nas",
        "um",
        "uma",
        "uns",
        "umas",
        "the",
        "and",
        "of",
        "in",
        "on",
        "an",
        "to",
        "for",
        "with",
        "y",
        "el",
        "la",
        "los",
        "las",
        "un",
        "una",
        "unos",
        "unas",
        "del",
        "al",
        "con",
        "para",
        "por",
        "sobre",
        "com",
    ]
)


def fold(text: str) -> str:
    """Lowercase without accents: "Dinossáuros" and "dinossauros" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9][a-z0-9'-]*", fold(text)) if w not in _STOP_WORDS]


def _index() -> dict[str, Concept]:
    index: dict[str, Concept] = {}
    for concept in CONCEPTS:
        for form in (*concept.en, *concept.pt[:2], *concept.es[:2]):
            index.setdefault(fold(form), concept)
    return index


_FORMS = _index()


def find_concepts(text: str) -> list[Concept]:
    """Concepts named in free text, in order of appearance, each once."""
    found: list[Concept] = []
    folded = fold(text)
    for phrase, concept in _FORMS.items():
        if " " in phrase and phrase in folded and concept not in found:
            found.append(concept)
    for word in words(text):
        concept = _FORMS.get(word) or _by_stem(word)
        if concept and concept not in found:
            found.append(concept)
    return found


def _by_stem(word: str) -> Concept | None:
    for concept in CONCEPTS:
        if any(_stem_matches(word, stem) for stem in concept.stems):
            return concept
    return None


def _stem_matches(word: str, stem: str) -> bool:
    # Short stems ("mar", "sea", "ant") only match whole words: "mar" must not find "marrom".
    return word == stem if len(stem) <= 3 else word.startswith(stem)
