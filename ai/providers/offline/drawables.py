"""What the offline illustrator can draw, and which words (en, pt, es) ask for each thing.

Each drawable has a layer that decides where it goes on the page: ``sky`` (upper band),
``back`` (big things standing on the horizon behind the characters), ``animal`` (a small
extra creature on the ground), ``prop`` (small objects at the characters' feet) and
``float`` (little things in the air near the characters: hearts, notes, butterflies).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ai.providers.offline.figures import FIGURES
from ai.providers.offline.lexicon import CONCEPTS, fold


@dataclass(frozen=True)
class Drawable:
    id: str
    source: str  # a figure id, a scenery id or a Tabler icon name
    layer: str
    scale: float = 1.0  # relative to the layer's usual size


def _d(spec: str) -> dict[str, Drawable]:
    """Parse "id source layer scale" rows (source "-" means same as id)."""
    table = {}
    for row in spec.strip().splitlines():
        did, source, layer, scale = row.split()
        table[did] = Drawable(did, did if source == "-" else source, layer, float(scale))
    return table


DRAWABLES = _d("""
sun - sky 1.0
cloud - sky 1.0
moon - sky 0.9
star - sky 0.5
rainbow - sky 1.0
kite - sky 0.9
rocket rocket sky 1.0
plane plane sky 0.9
balloon balloon sky 0.8
helicopter helicopter sky 0.9
ufo ufo sky 0.9
planet planet sky 0.8
tree - back 1.0
apple_tree - back 1.0
house - back 1.0
mountain - back 1.3
bush - back 0.5
fence - back 0.45
bridge - back 0.6
window - back 0.5
bookshelf - back 0.8
castle building-castle back 0.9
tent tent back 0.7
school school back 0.7
lighthouse building-lighthouse back 0.9
snowman snowman back 0.6
christmas_tree christmas-tree back 0.8
cactus cactus back 0.6
bus bus back 0.55
train train back 0.55
car car back 0.45
truck truck back 0.5
tractor tractor back 0.5
firetruck firetruck back 0.5
ship sailboat back 0.5
bed bed back 0.8
bath bath back 0.8
piano piano back 0.7
telescope telescope back 0.55
dinosaur - animal 1.0
cat - animal 0.8
lion - animal 1.0
dog - animal 0.8
rabbit - animal 0.8
bear - animal 0.9
owl - animal 0.8
bird - animal 0.6
turtle - animal 0.8
elephant - animal 1.1
pig pig animal 0.7
horse horse animal 0.9
deer deer animal 0.9
alien alien animal 0.7
robot robot animal 0.8
ball ball-football prop 1.0
apple apple prop 0.9
book book prop 1.0
gift gift prop 1.0
cake cake prop 1.0
flower - prop 1.2
mushroom mushroom prop 1.0
carrot carrot prop 1.0
ice_cream ice-cream prop 1.0
pizza pizza prop 1.0
candy candy prop 0.9
cookie cookie prop 0.9
pencil pencil prop 1.0
dice dice prop 0.8
abacus abacus prop 1.1
trophy trophy prop 1.0
crown crown prop 0.9
wand wand prop 1.0
box box prop 1.0
map map-2 prop 1.0
shovel shovel prop 1.0
bucket bucket prop 0.9
basket basket prop 1.0
cup cup prop 0.8
lemon lemon prop 0.8
cherry cherry prop 0.8
bread bread prop 0.9
tooth dental prop 0.9
lamp lamp prop 1.1
backpack backpack prop 1.0
bone bone prop 0.9
leaf leaf prop 0.8
plant plant-2 prop 1.0
umbrella umbrella prop 1.3
pumpkin pumpkin-scary prop 1.0
egg egg prop 0.7
campfire campfire prop 1.1
bike bike prop 1.3
scooter scooter prop 1.1
skateboard skateboard prop 1.0
stethoscope stethoscope prop 0.9
chef_hat chef-hat prop 0.9
globe world prop 1.0
bug bug prop 0.7
fish fish prop 1.0
music music float 0.8
heart heart float 0.7
butterfly butterfly float 0.9
droplet droplet float 0.6
""")

_WORDS = """
sun: sun sunny sunshine sol ensolarado soleado
cloud: cloud clouds cloudy nuvem nuvens nube nubes sky
moon: moon lua luna night noite noche
star: star stars estrela estrelas estrella estrellas success
rainbow: rainbow arco-iris arcoiris
kite: kite kites pipa pipas cometa cometas
rocket: rocket rockets foguete foguetes cohete cohetes space espaco espacio astronaut
plane: plane airplane aeroplane aviao avion
balloon: balloon balloons balao baloes globo globos party festa fiesta
helicopter: helicopter helicoptero
ufo: ufo saucer ovni
planet: planet planets planeta planetas saturn
tree: tree trees arvore arvores arbol arboles forest floresta bosque woods branch park parque
apple_tree: orchard pomar
house: house home village casa casinha casita aldeia pueblo door
mountain: mountain mountains montanha montanhas montana montanas hill colina volcano
bush: bush bushes arbusto arbustos
fence: fence farm fazenda granja cerca
bridge: bridge ponte puente
bookshelf: library shelves bookshelf biblioteca estante
castle: castle castelo castillo palace palacio princess princesa king queen
tent: tent camping barraca acampamento tienda
school: school escola escuela classroom
lighthouse: lighthouse farol faro
snowman: snowman snow neve nieve winter inverno invierno
christmas_tree: christmas natal navidad pine pinheiro
cactus: cactus cacto desert deserto desierto
bus: bus onibus autobus
train: train trem tren
car: car cars carro carrinho coche auto
truck: truck caminhao camion
tractor: tractor trator
firetruck: firetruck firefighter bombeiro bombero
ship: boat ship sailboat barco navio barco velero sea mar ocean oceano beach praia playa
bed: bed beds cama camas sleep sleeping bedroom
bath: bath bathtub banho banheira bano banera bubbles
piano: piano
telescope: telescope telescopio
dinosaur: dinosaur dinosaurs dinossauro dinossauros dinosaurio dinosaurios dino dragon dragao
cat: cat cats kitten gato gata gatinho gatito
lion: lion lions leao leoa leon leona
dog: dog dogs puppy cachorro cachorrinho perro perrito
rabbit: rabbit rabbits bunny coelho coelha conejo coneja
bear: bear bears teddy urso ursinho oso osito
owl: owl owls coruja buho lechuza
bird: bird birds duck chick passarinho passaro pajaro pato pajarito
turtle: turtle turtles tortoise tartaruga tortuga
elephant: elephant elephants elefante elefanta
pig: pig pigs piglet porco porquinho cerdo cerdito
horse: horse horses pony unicorn cavalo caballo unicornio
deer: deer veado ciervo
alien: alien monster monstro monstruo
robot: robot robots robo
ball: ball balls bola pelota soccer football futebol futbol
apple: apple apples maca manzana fruit fruta
book: book books livro libro notebook caderno cuaderno reading
gift: gift present presents presente regalo
cake: cake cakes cupcake cupcakes bolo bolinho pastel birthday
flower: flower flowers flor flores garden jardim jardin
mushroom: mushroom cogumelo seta hongo
carrot: carrot carrots cenoura zanahoria vegetables
ice_cream: ice-cream sorvete helado
pizza: pizza
candy: candy sweets doce bala caramelo
cookie: cookie cookies biscoito galleta
pencil: pencil pencils lapis lapiz crayon drawing paper
dice: dice dado game
abacus: abacus abaco counting numbers
trophy: trophy medal trofeu trofeo
crown: crown coroa corona
wand: wand magic magia varinha varita fairy
box: box boxes treasure chest caixa caja tesouro tesoro cardboard stickers
map: map mapa
shovel: shovel pa digging
bucket: bucket balde cubo litter recycle
basket: basket cesta picnic
cup: cup copo vaso juice
lemon: lemon lemons limao limon
cherry: cherry cherries grapes uvas cereja cereza
bread: bread pao pan
tooth: tooth teeth toothbrush dente dentes diente dientes
lamp: lamp lampada lampara
backpack: backpack mochila
bone: bone osso hueso fossil
leaf: leaf leaves folha hoja autumn
plant: plant plants seed sprout planta semente semilla
umbrella: umbrella guarda-chuva paraguas rain chuva lluvia
pumpkin: pumpkin abobora calabaza halloween
egg: egg ovo huevo
campfire: campfire fogueira hoguera fire
bike: bike bicycle bicicleta
scooter: scooter patinete patinete
skateboard: skateboard skate
stethoscope: doctor stethoscope medico
chef_hat: chef cook cozinheiro cocinero
globe: globe world mundo earth terra tierra
bug: bug ladybug beetle joaninha mariquita insect
fish: fish peixe peixes pez peces river rio lake lago
music: music song songs singing notes musica cancao cancion
heart: heart hearts love coracao corazon amor sorry hug
butterfly: butterfly butterflies borboleta mariposa
droplet: droplet drops soap sabao jabon wash washing sink
"""


def _keywords() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in _WORDS.strip().splitlines():
        did, _, words = line.partition(":")
        for word in words.split():
            table.setdefault(fold(word), did.strip())
    for concept in CONCEPTS:  # every theme word the story writer knows is drawable too
        if concept.draw in DRAWABLES:
            for form in (*concept.en, *concept.pt[:2], *concept.es[:2]):
                table.setdefault(fold(form), concept.draw)
    return table


KEYWORDS = _keywords()


def find_drawables(text: str) -> list[str]:
    """Drawable ids named in ``text``, in order of first mention, each once."""
    folded = fold(text)
    found: list[tuple[int, str]] = []
    for phrase, did in KEYWORDS.items():
        if " " in phrase:
            at = folded.find(phrase)
            if at >= 0:
                found.append((at, did))
    for match in re.finditer(r"[a-z][a-z-]*", folded):
        did = KEYWORDS.get(match[0]) or KEYWORDS.get(_singular(match[0]))
        if did:
            found.append((match.start(), did))
    ordered: list[str] = []
    for _, did in sorted(found):
        if did not in ordered:
            ordered.append(did)
    return ordered


def _singular(word: str) -> str:
    for suffix, replacement in (("ies", "y"), ("ves", "f"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + replacement
    return word


def is_figure(did: str) -> bool:
    return DRAWABLES[did].source in FIGURES
