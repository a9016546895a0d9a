# ruff: noqa: E501  (sentences read better unbroken; this module is data)
"""Story beats in Spanish (same structure and placeholders as story_pt.py)."""

HOME = (
    (
        "Había una vez {a_species} llamad{h:o|a} {hero} que soñaba con {theme}.",
        "Siempre llevaba {wear} y tenía {look}.",
        "Vivía en una casita amarilla cerca del bosque, con una ventana redonda y un jardín lleno de flores.",
        "Cada mañana abría la ventana, se estiraba y decía: —¡Hoy va a ser un día increíble!",
    ),
    (
        "{hero} era {a_species} muy curios{h:o|a} que siempre pensaba en {theme}.",
        "Nunca salía de casa sin {wear} y tenía {look}.",
        "Su casa estaba en lo alto de una colina verde, desde donde se veían el río y las montañas.",
        "Aquella mañana de sol, {hero} se despertó con muchísimas ganas de vivir una aventura.",
    ),
)

FRIEND = (
    (
        "Muy temprano, {friend} llamó a la puerta: era {a_fspecies} y {c:el mejor amigo|la mejor amiga} de {hero}.",
        "—¿Vamos a explorar? —preguntó {friend}, con una sonrisa de oreja a oreja.",
        "{hero} guardó en la mochila una botellita de agua, una lupa y una merienda.",
        "Y allá se fueron {g:los dos|las dos}, tarareando por el sendero que llevaba al bosque.",
    ),
    (
        "En la plaza, {hero} se encontró con {friend}, {a_fspecies} que era {c:su mejor amigo|su mejor amiga}.",
        "A {friend} también le gustaban mucho {the_things}, así que siempre tenían de qué hablar.",
        "—¡Hoy vamos a descubrir cosas nuevas! —acordaron, chocando las manos.",
        "Dibujaron un mapa en un papel y marcaron con una X todos los lugares que querían visitar.",
    ),
)

EPISODES = {
    "bridge": (
        "{hero} y {friend} cruzaron un puente de madera sobre el río.",
        "Abajo, unos pececitos plateados saltaban en el agua.",
        "{friend} contó en voz alta: ¡uno, dos, tres peces!",
        "El sonido del agua parecía música, y {g:los dos|las dos} se quedaron un rato solo escuchando.",
    ),
    "garden": (
        "En el jardín, las flores estaban abiertas y olían muy bien.",
        "Una mariposa se posó justo en la nariz de {hero}, que soltó una carcajada.",
        "{friend} se rio tanto que tuvo que sentarse en la hierba.",
        "Aprendieron que las mariposas visitan las flores para beber néctar, y que eso ayuda al jardín a crecer.",
    ),
    "sand": (
        "A la orilla del lago, {hero} dibujó {things} en la arena.",
        "{friend} ayudó con los detalles usando una ramita.",
        "Los dibujos quedaron tan bonitos que hasta un pajarito se acercó a mirar.",
        "Cuando el agua los borró, no se pusieron tristes: bastaba con dibujar otra vez, aún mejor.",
    ),
    "library": (
        "En la biblioteca del pueblo, {g:los dos|las dos} encontraron un libro enorme sobre {things}.",
        "Cada página traía una sorpresa diferente.",
        "{hero} leyó en voz alta, y {friend} escuchó con los ojos brillantes.",
        "La bibliotecaria sonrió y dijo que los libros son puertas a lugares que todavía no conocemos.",
    ),
    "kite": (
        "En lo alto de la colina, el viento soplaba fuerte.",
        "{hero} y {friend} hicieron volar una cometa que bailaba en el cielo.",
        "—¡Más alto, más alto! —gritaba {friend}, sujetando el hilo con cuidado.",
        "Desde allí arriba, el pueblo parecía pequeñito, como una maqueta de juguete.",
    ),
    "picnic": (
        "A la sombra de un árbol grande, {g:los dos|las dos} hicieron un pícnic.",
        "Había manzanas, pan recién hecho y zumo de naranja.",
        "{hero} guardó las cáscaras en una bolsita para no ensuciar la hierba.",
        "Después de la merienda, se quedaron {g:tumbados|tumbadas} mirando cómo las hojas se movían con el viento.",
    ),
    "rain": (
        "¡De repente, empezó a llover!",
        "{hero} y {friend} corrieron a meterse debajo de un paraguas grande.",
        "Cuando pasó la lluvia, un arcoíris enorme apareció en el cielo.",
        "{friend} explicó que el arcoíris nace cuando la luz del sol atraviesa las gotitas de lluvia.",
    ),
    "song": (
        "{g:Sentados|Sentadas} en una piedra, {g:los dos|las dos} inventaron una canción sobre {things}.",
        "{hero} cantaba la melodía y {friend} daba palmas al ritmo.",
        "Los pajaritos del árbol parecían cantar con {g:ellos|ellas}.",
        "Era una canción tan alegre que decidieron enseñársela después a todos sus amigos.",
    ),
    "farm": (
        "{g:Los dos|Las dos} pasaron por una granja llena de animales.",
        "El cerdito hizo oinc, y el caballo sacudió la crin.",
        "El granjero les enseñó el tractor y dejó que {hero} tocara la bocina: ¡pi, pi!",
        "Aprendieron que en la granja nacen muchos de los alimentos que comemos todos los días.",
    ),
    "forest": (
        "En el bosque, los árboles eran tan altos que parecían tocar las nubes.",
        "{hero} encontró una seta redondita al lado de una piedra.",
        "Un búho parpadeó desde lo alto de una rama, como diciendo hola.",
        "{friend} recordó que en el bosque se mira y se admira, pero no se arranca nada, para que todo siga bonito.",
    ),
    "clouds": (
        "{g:Tumbados|Tumbadas} en la hierba, {hero} y {friend} se pusieron a mirar las nubes.",
        "—¡Mira! ¡Esa nube parece {a_thing}! —dijo {hero}.",
        "{friend} encontró otra que parecía un cucurucho de helado.",
        "Las nubes cambiaban de forma despacio, y cada una contaba una historia nueva.",
    ),
    "market": (
        "En el mercado, un señor muy simpático vendía frutas y verduras.",
        "{hero} eligió una manzana roja, y {friend} eligió una zanahoria.",
        "{g:Los dos|Las dos} dieron las gracias y pagaron con monedas que habían ahorrado.",
        "El señor les contó que las frutas más ricas son las de temporada, recogidas en el momento justo.",
    ),
    "map": (
        "{friend} encontró un mapa antiguo, y la X marcaba el árbol más viejo del bosque.",
        "Allí, {g:los dos|las dos} cavaron con una palita y encontraron una cajita llena de pegatinas de {things}.",
        "Cada pegatina era más bonita que la anterior, y {hero} quiso enseñárselas todas a su familia.",
        "Decidieron dejar dentro un dibujo nuevo, para que el próximo explorador también tuviera una sorpresa.",
    ),
    "build": (
        "Con cajas de cartón, {g:los dos|las dos} construyeron {a_thing} gigante.",
        "{hero} dibujó los detalles con lápices, y {friend} sujetó las cajas.",
        "Cuando terminaron, dieron un paso atrás y aplaudieron.",
        "Descubrieron que, trabajando {g:juntos|juntas}, se pueden construir cosas mucho más grandes que a solas.",
    ),
    "puddles": (
        "Después de la lluvia, el camino quedó lleno de charcos.",
        "{hero} y {friend} se pusieron las botas y saltaron en {g:ellos|ellas}: ¡chof!",
        "Cada salto hacía una salpicadura más grande que la anterior.",
        "En un charco muy quieto, vieron el cielo y las nubes reflejados, como en un espejo.",
    ),
}

ARCS = {
    "friendship": (
        (
            "De camino a casa, {hero} y {c:su amigo|su amiga} {friend} querían la misma pelota.",
            "{g:Los dos|Las dos} tiraron y tiraron, y se enfadaron.",
            "{friend} se fue a sentar {c:solo|sola} debajo de un árbol.",
            "{hero} sintió un nudo en el corazón: jugar sin {friend} no tenía ninguna gracia.",
        ),
        (
            "{hero} pensó: —¿Qué haría un buen amigo ahora?",
            "Respiró hondo y contó hasta tres.",
            "Se acordó de todas las veces que {friend} le había ayudado cuando lo necesitaba.",
            "Entonces caminó despacio hasta el árbol, con una idea en el corazón.",
        ),
        (
            "—Perdón, {friend}. ¿Jugamos {g:juntos|juntas}? —pidió {hero}.",
            "{friend} sonrió: —¡Perdón también! Podemos turnarnos.",
            "{hero} le ofreció la pelota primero, y {friend} le dio un abrazo muy fuerte.",
            "Pedir perdón los hizo sentir más {g:ligeros|ligeras}, como si se hubieran quitado una piedra de la mochila.",
        ),
        (
            "{g:Los dos|Las dos} inventaron un juego nuevo: uno chutaba y el otro atrapaba.",
            "Se rieron tanto que hasta los pajaritos vinieron a mirar.",
            "Jugar {g:juntos|juntas} era mucho más divertido que jugar a solas.",
            "Al final de la tarde, ya habían creado tres juegos diferentes, cada uno con una regla inventada por "
            "uno de {g:ellos|ellas}.",
        ),
        (
            "Esa noche, {hero} entendió que los amigos de verdad hablan, piden perdón y comparten el juego.",
            "Y siempre que soñaba con {theme}, recordaba el día en que la amistad se hizo aún más fuerte.",
            "Porque un amigo no es alguien que siempre está de acuerdo con nosotros, sino alguien a quien "
            "elegimos cuidar.",
            "¡Buenas noches, {hero}! ¡Buenas noches, {friend}!",
        ),
    ),
    "numbers": (
        (
            "De vuelta en casa, {hero} y {c:su amigo|su amiga} {friend} decidieron hacer una fiesta.",
            "—¿Cuántos pastelitos vamos a necesitar? —preguntó {friend}.",
            "{hero} se rascó la cabeza: ¡no lo sabía!",
            "Era hora de usar los números, que nos ayudan a organizar las cosas.",
        ),
        (
            "Primero, contaron a los invitados con los dedos: uno, dos, tres, cuatro, cinco.",
            "—¡Cinco amigos! —dijo {hero}.",
            "{friend} escribió un 5 bien grande en un papel para que nadie se olvidara.",
            "Después dibujaron cinco puntitos al lado del número, uno para cada invitado.",
        ),
        (
            "Luego pusieron los pastelitos en la mesa, uno para cada amigo.",
            "¡Pero solo había cuatro pastelitos!",
            "{hero} pensó: cinco amigos menos cuatro pastelitos... ¡falta uno!",
            "Lo comprobaron con un ábaco, deslizando las bolitas una a una, y la cuenta estaba bien.",
        ),
        (
            "{hero} y {friend} hicieron un pastelito más, bien redondito.",
            "Cuando llegaron los invitados, cada uno recibió el suyo.",
            "Nadie se quedó sin pastelito, y la fiesta fue una alegría.",
            "Al final, contaron los platitos vacíos: ¡cinco! Justo como lo habían planeado.",
        ),
        (
            "Esa noche, {hero} sonrió: contar ayuda a cuidar de todos.",
            "Los números están en todas partes: en los dedos, en los pastelitos y en las estrellas del cielo.",
            "Y siempre que soñaba con {theme}, {hero} contaba bajito hasta dormirse.",
            "Uno, dos, tres... y sus ojitos se fueron cerrando despacio.",
        ),
    ),
    "nature": (
        (
            "De regreso, {hero} y {c:su amigo|su amiga} {friend} pasaron por el parque y vieron algo triste.",
            "Había papeles y botellas tirados en la hierba.",
            "Una plantita estaba marchita, sin agua.",
            "—¡Pobre naturaleza! —dijo {friend}—. No puede limpiarse sola.",
        ),
        (
            "—¡Vamos a ayudar! —dijo {hero}.",
            "{g:Los dos|Las dos} se pusieron guantes, tomaron un cubo y recogieron toda la basura.",
            "Papel por un lado, plástico por el otro: así se puede reciclar.",
            "Aprendieron que muchas cosas que tiramos pueden convertirse en algo nuevo, como un cuaderno o un juguete.",
        ),
        (
            "Después, {hero} regó la plantita con agua fresca.",
            "{friend} plantó una semillita a su lado.",
            "—¡Crece fuerte! —susurró {friend}, tapando la semilla con tierra.",
            "{g:Los dos|Las dos} quedaron en volver todos los días para ver crecer la semillita.",
        ),
        (
            "Unos días después, la plantita estaba verde y la semillita se había convertido en un brote.",
            "Los pajaritos volvieron a cantar en el parque.",
            "El lugar estaba limpio, fresco y lleno de vida.",
            "Hasta las mariposas volvieron, visitando las flores nuevas que empezaban a abrirse.",
        ),
        (
            "{hero} aprendió que cuidar la naturaleza es cuidar nuestra casa.",
            "Cada gesto pequeño, como tirar la basura en su lugar, marca una gran diferencia.",
            "Y siempre que soñaba con {theme}, imaginaba un mundo verde y lleno de flores.",
            "Porque la Tierra es la casa de todos: de las personas, de los animales y de las plantas.",
        ),
    ),
    "hygiene": (
        (
            "Después de tanta aventura, {hero} y {c:su amigo|su amiga} {friend} tenían las patitas llenas de barro.",
            "Era la hora de la merienda, y {hero} ya iba a agarrar una manzana.",
            "—¡Espera! —dijo {friend}—. ¿Y los gérmenes que no vemos?",
            "Los gérmenes son tan pequeñitos que solo se ven con un microscopio, pero pueden hacernos enfermar.",
        ),
        (
            "{g:Los dos|Las dos} fueron al lavabo y se lavaron las patitas con jabón.",
            "Hicieron mucha espuma, llena de burbujas.",
            "Frotaron entre los dedos, por arriba y por abajo, cantando una canción para contar el tiempo.",
            "{friend} explicó que lavarse durante veinte segundos, lo que dura una cancioncita, es la forma correcta.",
        ),
        (
            "Después se enjuagaron bien y se secaron con una toalla suave.",
            "{hero} olió sus patitas: ¡olían a limpio!",
            "Solo entonces merendaron, {g:tranquilos|tranquilas} y felices.",
            "Después de merendar, también se cepillaron los dientes, despacito, diente por diente.",
        ),
        (
            "Por la noche, {hero} se dio un baño calentito lleno de burbujas.",
            "{friend} esperaba con la toalla, riéndose de las burbujas en la cabeza de {hero}.",
            "{hero} salió del baño {h:limpio|limpia} y {h:fresquito|fresquita}.",
            "Se puso el pijama, se peinó y se sintió {h:listo|lista} para soñar.",
        ),
        (
            "{hero} aprendió que lavarse las manos, bañarse y cepillarse los dientes protege nuestra salud.",
            "Estar limpio es una forma de cuidarse y de cuidar a los amigos.",
            "Y siempre que soñaba con {theme}, dormía {h:fresquito|fresquita} y {h:tranquilo|tranquila}.",
            "Porque los pequeños hábitos de cada día se convierten en grandes superpoderes de salud.",
        ),
    ),
    "courage": (
        (
            "Cuando el sol empezó a ponerse, {hero} y {c:su amigo|su amiga} {friend} oyeron un ruido extraño.",
            "Venía de detrás de los arbustos: ¡ñic, ñic!",
            "A {hero} le empezaron a temblar las piernas.",
            "—¿Será un monstruo? —susurró, con el corazón latiendo muy rápido.",
        ),
        (
            "{hero} respiró hondo tres veces, muy despacio.",
            "Su corazón se fue calmando.",
            "—Tener miedo es normal —dijo {friend}—. Pero podemos mirar {g:juntos|juntas}.",
            "{hero} recordó que ser valiente no es no tener miedo, sino dar un paso aunque lo tengas.",
        ),
        (
            "De la mano, {g:los dos|las dos} se acercaron a los arbustos.",
            "Paso a paso, muy despacito.",
            "El ruido se hizo más fuerte: ¡ñic, ñic!",
            "{hero} apartó las hojas con cuidado y se asomó.",
        ),
        (
            "¡Era solo un gatito perdido que buscaba a su mamá!",
            "{hero} y {friend} ayudaron al gatito a encontrar el camino de vuelta.",
            "La mamá gata ronroneó de alegría: ¡muchas gracias!",
            "El gatito, que había tenido tanto miedo como {g:ellos|ellas}, ahora dormía calentito junto a su mamá.",
        ),
        (
            "{hero} descubrió que ser valiente es enfrentar el miedo con calma y con amigos.",
            "A veces, lo que parece aterrador es solo algo que todavía no conocemos.",
            "Y siempre que soñaba con {theme}, {hero} recordaba aquella noche de valentía.",
            "Cuando el miedo vuelva a aparecer, ya sabe qué hacer: respirar hondo, pedir ayuda y mirar de cerca.",
        ),
    ),
    "sharing": (
        (
            "A la hora de la merienda, {hero} tenía una cesta llena de frutas, pero {c:su amigo|su amiga} {friend} no tenía nada.",
            "{friend} se había olvidado la merienda en casa.",
            "La barriga de {friend} rugía muy fuerte: ¡grrr!",
            "{hero} miró la cesta y pensó: —Pero yo quería comérmelo todo...",
        ),
        (
            "Entonces {hero} recordó lo feo que es tener hambre.",
            "Tomó la manzana más bonita y le ofreció: —¿Quieres compartir conmigo?",
            "{friend} sonrió de oreja a oreja.",
            "{hero} notó que la sonrisa de {friend} le calentaba el corazón más que cualquier fruta.",
        ),
        (
            "{g:Los dos|Las dos} compartieron las uvas, el plátano y hasta la última galleta.",
            "Un trozo para cada uno, bien repartido.",
            "Nunca una merienda había sido tan rica.",
            "Hablaron, se rieron y contaron historias, y la merienda duró toda la tarde.",
        ),
        (
            "Al día siguiente, {friend} apareció con un pastel de zanahoria.",
            "—¡Hoy me toca a mí compartir! —dijo, riendo.",
            "Y la merienda se convirtió en una fiesta.",
            "Llegaron otros amigos con frutas y zumos, y cada uno trajo un poquito para todos.",
        ),
        (
            "{hero} aprendió que compartir multiplica la alegría.",
            "Cuando compartimos, nadie se queda fuera.",
            "Y siempre que soñaba con {theme}, {hero} soñaba también con una mesa grande llena de amigos.",
            "Porque las cosas buenas de la vida son aún mejores cuando se comparten.",
        ),
    ),
    "learning": (
        (
            "Al final de la tarde, {hero} y {c:su amigo|su amiga} {friend} encontraron a Doña Lechuza en una rama.",
            "—Hoy el tema es importante: {goal} —dijo ella.",
            "{hero} sintió mucha curiosidad: ¿por dónde empezar?",
            "Doña Lechuza parpadeó con sus ojazos y prometió ayudar, pero solo si hacían muchas preguntas.",
        ),
        (
            "{hero} hizo muchas preguntas, y {friend} lo anotó todo en un cuaderno.",
            "Cada respuesta traía un nuevo descubrimiento.",
            "—Preguntar es el primer paso para aprender —dijo Doña Lechuza.",
            "El cuaderno de {friend} se llenó de dibujos, flechas y palabras nuevas.",
        ),
        (
            "Después, {g:los dos|las dos} intentaron poner en práctica lo que habían aprendido.",
            "¡Se equivocaron una vez, lo intentaron de nuevo y lo lograron!",
            "—Equivocarse es parte de aprender —dijo Doña Lechuza, orgullosa.",
            "{hero} se dio cuenta de que cada error mostraba un camino nuevo para intentarlo.",
        ),
        (
            "Cuando salió la luna, {hero} y {friend} ya sabían explicárselo todo a los demás amigos.",
            "Doña Lechuza batió las alas, muy contenta.",
            "¡Qué día de descubrimientos!",
            "Y los amigos, escuchando con atención, también aprendieron un poquito de {g:ellos|ellas}.",
        ),
        (
            "{hero} aprendió una lección importante sobre {goal}.",
            "Aprender es como una aventura: preguntamos, probamos, nos equivocamos y volvemos a intentarlo.",
            "Y siempre que soñaba con {theme}, {hero} tenía ganas de descubrir todavía más.",
            "Porque quien aprende con alegría nunca deja de crecer.",
        ),
    ),
}

TITLES = (
    "{hero} y {friend}: {arc_title}",
    "La gran aventura de {hero}",
    "{hero} en el mundo {de_things}",
    "{hero} y el día de los descubrimientos",
)

ARC_TITLES = {
    "friendship": "amigos de verdad",
    "numbers": "contando con los amigos",
    "nature": "guardianes de la naturaleza",
    "hygiene": "patitas limpitas",
    "courage": "un corazón valiente",
    "sharing": "la merienda compartida",
    "learning": "un día de descubrimientos",
}


def a(noun: str, feminine: bool) -> str:
    return f"{'una' if feminine else 'un'} {noun}"


def of_the_plural(noun: str, feminine: bool) -> str:
    return f"{'de las' if feminine else 'de los'} {noun}"
