# ruff: noqa: E501  (sentences read better unbroken; this module is data)
"""Story beats in Brazilian Portuguese.

Each beat is up to four sentences, simplest first: a 2-3 year old gets the first one, a
10-12 year old all four. Placeholders: {hero} {friend} {a_species} {a_fspecies} {look}
{wear} {theme} {things} {a_thing} {goal}. Gender switches: {h:o|a} agrees with the hero,
{c:o|a} with the friend, {g:os|as} with both (feminine only when both are).
"""

HOME = (
    (
        "Era uma vez {a_species} chamad{h:o|a} {hero}, que sonhava com {theme}.",
        "Usava sempre {wear} e tinha {look}.",
        "Morava numa casinha amarela perto da floresta, com uma janela redonda e um jardim cheio de flores.",
        "Toda manhã, abria a janela, espreguiçava-se e dizia: — Hoje vai ser um dia incrível!",
    ),
    (
        "{hero} era {a_species} muito curios{h:o|a} que adorava {theme}.",
        "Nunca saía de casa sem {wear} e tinha {look}.",
        "Sua casa ficava no alto de uma colina verde, de onde dava para ver o rio e as montanhas.",
        "Naquela manhã de sol, {hero} acordou com uma vontade enorme de viver uma aventura.",
    ),
)

FRIEND = (
    (
        "Logo cedo, {friend} bateu na porta: era {a_fspecies} e {c:o melhor amigo|a melhor amiga} de {hero}.",
        "— Vamos explorar? — perguntou {friend}, com um sorriso de orelha a orelha.",
        "{hero} colocou na mochila uma garrafinha de água, uma lupa e um lanche.",
        "E lá se foram {g:os dois|as duas}, cantarolando pela trilha que levava ao bosque.",
    ),
    (
        "Na praça, {hero} encontrou {friend}, {a_fspecies} que era {c:seu melhor amigo|sua melhor amiga}.",
        "{friend} também gostava muito de {things}, e {g:os dois|as duas} sempre tinham assunto.",
        "— Hoje vamos descobrir coisas novas! — combinaram, batendo as mãos.",
        "Desenharam um mapa num papel e marcaram com um X todos os lugares que queriam visitar.",
    ),
)

EPISODES = {
    "bridge": (
        "{hero} e {friend} atravessaram uma ponte de madeira sobre o rio.",
        "Lá embaixo, peixinhos prateados pulavam na água.",
        "{friend} contou em voz alta: um, dois, três peixes!",
        "O barulhinho da água parecia uma música, e {g:os dois|as duas} ficaram um tempo só escutando.",
    ),
    "garden": (
        "No jardim, as flores estavam abertas e cheirosas.",
        "Uma borboleta pousou bem no nariz de {hero}, que deu uma gargalhada.",
        "{friend} riu tanto que precisou se sentar na grama.",
        "{g:Eles|Elas} aprenderam que as borboletas visitam as flores para beber o néctar, e que isso ajuda o jardim a crescer.",
    ),
    "sand": (
        "Na beira do lago, {hero} desenhou {things} na areia.",
        "{friend} ajudou a fazer os detalhes com um graveto.",
        "Os desenhos ficaram tão bonitos que até um passarinho veio olhar.",
        "Quando a água apagou tudo, {g:eles|elas} não ficaram tristes: era só desenhar de novo, ainda melhor.",
    ),
    "library": (
        "Na biblioteca da vila, {g:os dois|as duas} encontraram um livro enorme sobre {things}.",
        "Cada página trazia uma surpresa diferente.",
        "{hero} leu em voz alta, e {friend} ouviu com os olhos brilhando.",
        "A bibliotecária sorriu e disse que os livros são portas para lugares que ainda não conhecemos.",
    ),
    "kite": (
        "No alto da colina, o vento soprava forte.",
        "{hero} e {friend} soltaram uma pipa que dançava no céu.",
        "— Mais alto, mais alto! — gritava {friend}, segurando a linha com cuidado.",
        "Lá de cima, a vila parecia pequenininha, como uma maquete de brinquedo.",
    ),
    "picnic": (
        "Na sombra de uma árvore grande, {g:os dois|as duas} fizeram um piquenique.",
        "Tinha maçãs, pão fresquinho e suco de laranja.",
        "{hero} guardou as cascas num saquinho para não sujar a grama.",
        "Depois do lanche, ficaram {g:deitados|deitadas} olhando as folhas balançarem ao vento.",
    ),
    "rain": (
        "De repente, começou a chover!",
        "{hero} e {friend} correram para debaixo de um guarda-chuva grande.",
        "Quando a chuva passou, um arco-íris enorme apareceu no céu.",
        "{friend} explicou que o arco-íris nasce quando a luz do sol atravessa as gotinhas de chuva.",
    ),
    "song": (
        "{g:Sentados|Sentadas} numa pedra, {g:os dois|as duas} inventaram uma canção sobre {things}.",
        "{hero} cantava a melodia e {friend} batia palmas no ritmo.",
        "Os passarinhos da árvore pareciam cantar junto.",
        "Era uma canção tão alegre que {g:eles|elas} resolveram ensiná-la a todos os amigos depois.",
    ),
    "farm": (
        "{g:Os dois|As duas} passaram por uma fazenda cheia de bichos.",
        "O porquinho fez oinc, e o cavalo balançou a crina.",
        "O fazendeiro mostrou o trator e deixou {hero} tocar a buzina: fom, fom!",
        "{g:Eles|Elas} aprenderam que é na fazenda que nascem muitos dos alimentos que comemos todos os dias.",
    ),
    "forest": (
        "Na floresta, as árvores eram tão altas que pareciam tocar as nuvens.",
        "{hero} encontrou um cogumelo redondinho ao lado de uma pedra.",
        "Uma coruja piscou lá do alto do galho, como quem diz olá.",
        "{friend} lembrou que na floresta a gente olha, admira e não arranca nada, para que tudo continue bonito.",
    ),
    "clouds": (
        "{g:Deitados|Deitadas} na grama, {hero} e {friend} ficaram olhando as nuvens.",
        "— Olha! Aquela nuvem parece {a_thing}! — disse {hero}.",
        "{friend} achou outra que parecia um sorvete de casquinha.",
        "As nuvens mudavam de forma devagar, e cada uma contava uma história nova.",
    ),
    "market": (
        "Na feira, um senhor simpático vendia frutas e verduras.",
        "{hero} escolheu uma maçã vermelha, e {friend} escolheu uma cenoura.",
        "{g:Os dois|As duas} agradeceram e pagaram com moedinhas que tinham guardado.",
        "O senhor contou que as frutas mais gostosas são as da estação, colhidas na hora certa.",
    ),
    "map": (
        "{friend} achou um mapa antigo, e o X marcava a árvore mais velha do bosque.",
        "Lá, {g:os dois|as duas} cavaram com uma pazinha e encontraram uma caixinha cheia de figurinhas de {things}.",
        "Cada figurinha era mais bonita que a outra, e {hero} quis mostrar todas para a família.",
        "Decidiram deixar lá dentro um desenho novo, para que o próximo explorador também tivesse uma surpresa.",
    ),
    "build": (
        "Com caixas de papelão, {g:os dois|as duas} construíram {a_thing} gigante.",
        "{hero} desenhou os detalhes com lápis, e {friend} segurou as caixas.",
        "Quando terminaram, deram um passo para trás e bateram palmas.",
        "Descobriram que, trabalhando {g:juntos|juntas}, dá para construir coisas muito maiores do que sozinhos.",
    ),
    "puddles": (
        "Depois da chuva, o caminho ficou cheio de poças.",
        "{hero} e {friend} calçaram botas e pularam nelas: splash!",
        "Cada pulo fazia um respingo maior que o outro.",
        "Em uma poça bem paradinha, {g:os dois|as duas} viram o céu e as nuvens refletidos, como num espelho.",
    ),
}

ARCS = {
    "friendship": (
        (
            "No caminho de volta, {hero} e {c:seu amigo|sua amiga} {friend} queriam a mesma bola.",
            "{g:Os dois|As duas} puxaram e puxaram, e ficaram {g:emburrados|emburradas}.",
            "{friend} foi se sentar {c:sozinho|sozinha} debaixo de uma árvore.",
            "{hero} sentiu um aperto no coração: brincar sem {friend} não tinha graça nenhuma.",
        ),
        (
            "{hero} pensou: — O que um bom amigo faria agora?",
            "Respirou fundo e contou até três.",
            "Lembrou de todas as vezes em que {friend} tinha ajudado quando precisou.",
            "Então caminhou devagar até a árvore, com uma ideia no coração.",
        ),
        (
            "— Desculpa, {friend}. Vamos brincar {g:juntos|juntas}? — pediu {hero}.",
            "{friend} sorriu: — Desculpa também! A gente pode revezar.",
            "{hero} ofereceu a bola primeiro, e {friend} deu um abraço apertado.",
            "Pedir desculpas deixou {g:os dois|as duas} mais leves, como se tivessem tirado uma pedra da mochila.",
        ),
        (
            "{g:Os dois|As duas} inventaram um jogo novo: um chutava e o outro pegava.",
            "Riram tanto que até os passarinhos vieram ver.",
            "Brincar junto era muito mais divertido do que brincar sozinho.",
            "No fim da tarde, já tinham criado três jogos diferentes, cada um com uma regra inventada por um deles.",
        ),
        (
            "Naquela noite, {hero} entendeu: amigos de verdade conversam, pedem desculpas e dividem a brincadeira.",
            "E sempre que sonhava com {theme}, lembrava do dia em que a amizade ficou ainda mais forte.",
            "Porque um amigo não é alguém que sempre concorda com a gente, mas alguém que a gente escolhe cuidar.",
            "Boa noite, {hero}! Boa noite, {friend}!",
        ),
    ),
    "numbers": (
        (
            "De volta para casa, {hero} e {c:seu amigo|sua amiga} {friend} resolveram fazer uma festa.",
            "— Quantos bolinhos vamos precisar? — perguntou {friend}.",
            "{hero} coçou a cabeça: não sabia!",
            "Era hora de usar os números, que ajudam a gente a organizar as coisas.",
        ),
        (
            "Primeiro, contaram os convidados nos dedos: um, dois, três, quatro, cinco.",
            "— Cinco amigos! — disse {hero}.",
            "{friend} escreveu o número 5 num papel, bem grande, para ninguém esquecer.",
            "Depois, desenharam cinco bolinhas ao lado do número, uma para cada convidado.",
        ),
        (
            "Então colocaram os bolinhos na mesa, um para cada amigo.",
            "Mas só havia quatro bolinhos!",
            "{hero} pensou: cinco amigos menos quatro bolinhos... falta um!",
            "{g:Os dois|As duas} usaram o ábaco para conferir, deslizando as continhas uma a uma, e a conta estava certa.",
        ),
        (
            "{hero} e {friend} fizeram mais um bolinho, bem redondinho.",
            "Quando os convidados chegaram, cada um ganhou o seu.",
            "Ninguém ficou sem bolinho, e a festa foi uma alegria só.",
            "No fim, contaram os pratinhos vazios: cinco! Exatamente como tinham planejado.",
        ),
        (
            "Naquela noite, {hero} sorriu: contar ajuda a cuidar de todo mundo.",
            "Os números estão em toda parte: nos dedos, nos bolinhos e nas estrelas do céu.",
            "E sempre que sonhava com {theme}, {hero} contava baixinho até dormir.",
            "Um, dois, três... e os olhinhos foram se fechando devagar.",
        ),
    ),
    "nature": (
        (
            "Na volta, {hero} e {c:seu amigo|sua amiga} {friend} passaram pelo parque e viram algo triste.",
            "Havia papéis e garrafas jogados na grama.",
            "Uma plantinha estava murcha, sem água.",
            "— Coitada da natureza! — disse {friend}. — Ela não consegue se limpar sozinha.",
        ),
        (
            "— Vamos ajudar! — disse {hero}.",
            "{g:Os dois|As duas} pegaram luvas e um balde e recolheram todo o lixo.",
            "Papel de um lado, plástico do outro: assim dá para reciclar.",
            "Aprenderam que muita coisa que vai para o lixo pode virar algo novo, como um caderno ou um brinquedo.",
        ),
        (
            "Depois, {hero} regou a plantinha com água fresquinha.",
            "{friend} plantou uma sementinha ao lado dela.",
            "— Cresça forte! — sussurrou {friend}, cobrindo a semente com terra.",
            "{g:Os dois|As duas} combinaram de voltar todos os dias para ver a sementinha crescer.",
        ),
        (
            "Dias depois, a plantinha estava verde e a sementinha virou um broto.",
            "Os passarinhos voltaram a cantar no parque.",
            "O lugar estava limpo, cheiroso e cheio de vida.",
            "Até as borboletas apareceram, visitando as flores novas que começavam a abrir.",
        ),
        (
            "{hero} aprendeu que cuidar da natureza é cuidar da nossa casa.",
            "Cada gesto pequeno, como jogar o lixo no lugar certo, faz uma grande diferença.",
            "E sempre que sonhava com {theme}, imaginava um mundo verde e florido.",
            "Porque a Terra é a casa de todos: das pessoas, dos bichos e das plantas.",
        ),
    ),
    "hygiene": (
        (
            "Depois de tanta aventura, {hero} e {c:seu amigo|sua amiga} {friend} estavam com as patinhas sujas de lama.",
            "Era hora do lanche, e {hero} já ia pegar uma maçã.",
            "— Espera! — disse {friend}. — E os germes que a gente não vê?",
            "Os germes são tão pequenininhos que só dá para ver com um microscópio, mas podem deixar a gente doente.",
        ),
        (
            "{g:Os dois|As duas} foram até a pia e lavaram as patinhas com sabão.",
            "Fizeram muita espuma, cheia de bolhas.",
            "Esfregaram entre os dedos, em cima e embaixo, cantando uma música para contar o tempo.",
            "{friend} explicou que lavar por vinte segundos, o tempo de uma musiquinha, é o jeito certo.",
        ),
        (
            "Depois, enxaguaram tudo e secaram com uma toalha macia.",
            "{hero} cheirou as patinhas: cheirinho de limpeza!",
            "Só então comeram o lanche, {g:tranquilos|tranquilas} e felizes.",
            "Depois do lanche, ainda escovaram os dentes, bem devagar, dente por dente.",
        ),
        (
            "À noite, {hero} tomou um banho quentinho cheio de bolhas.",
            "{friend} esperava com a toalha, rindo das bolhas na cabeça de {hero}.",
            "{hero} saiu do banho {h:limpinho|limpinha} e {h:cheiroso|cheirosa}.",
            "Vestiu o pijama, penteou o cabelo e se sentiu {h:pronto|pronta} para sonhar.",
        ),
        (
            "{hero} aprendeu que lavar as mãos, tomar banho e escovar os dentes protege a nossa saúde.",
            "Ficar limpinho é um jeito de cuidar de si e dos amigos.",
            "E sempre que sonhava com {theme}, dormia {h:cheiroso|cheirosa} e {h:tranquilo|tranquila}.",
            "Porque pequenos hábitos, feitos todos os dias, viram grandes superpoderes de saúde.",
        ),
    ),
    "courage": (
        (
            "Quando o sol começou a se pôr, {hero} e {c:seu amigo|sua amiga} {friend} ouviram um barulho estranho.",
            "Vinha de trás dos arbustos: nhec, nhec!",
            "{hero} sentiu as pernas tremerem.",
            "— Será um monstro? — sussurrou, com o coração batendo depressa.",
        ),
        (
            "{hero} respirou fundo três vezes, bem devagar.",
            "O coração foi se acalmando.",
            "— Ter medo é normal — disse {friend}. — Mas podemos olhar {g:juntos|juntas}.",
            "{hero} lembrou que coragem não é não sentir medo, é dar um passo mesmo com ele.",
        ),
        (
            "De mãos dadas, {g:os dois|as duas} se aproximaram dos arbustos.",
            "Passo a passo, bem devagarinho.",
            "O barulho ficou mais forte: nhec, nhec!",
            "{hero} afastou as folhas com cuidado e espiou lá dentro.",
        ),
        (
            "Era só um gatinho perdido, procurando a mamãe!",
            "{hero} e {friend} ajudaram o filhote a encontrar o caminho de volta.",
            "A mamãe gata ronronou de alegria: muito obrigada!",
            "O gatinho, antes tão assustado quanto {g:eles|elas}, agora dormia quentinho ao lado da mãe.",
        ),
        (
            "{hero} descobriu que ser {h:corajoso|corajosa} é enfrentar o medo com calma e com amigos.",
            "Às vezes, o que parece assustador é só algo que ainda não conhecemos.",
            "E sempre que sonhava com {theme}, {hero} se lembrava daquela noite de coragem.",
            "Quando o medo aparecer de novo, já sabe o que fazer: respirar fundo, pedir ajuda e olhar de perto.",
        ),
    ),
    "sharing": (
        (
            "Na hora do lanche, {hero} tinha uma cesta cheia de frutas, e {c:seu amigo|sua amiga} {friend} não tinha nada.",
            "{friend} tinha esquecido o lanche em casa.",
            "A barriga de {friend} roncava bem alto: rooonc!",
            "{hero} olhou para a cesta e pensou: — Mas eu queria comer tudo sozinh{h:o|a}...",
        ),
        (
            "Então {hero} lembrou como é ruim sentir fome.",
            "Pegou a maçã mais bonita e ofereceu: — Quer dividir comigo?",
            "{friend} abriu um sorrisão.",
            "{hero} percebeu que o sorriso de {friend} deixava o coração quentinho, mais do que qualquer fruta.",
        ),
        (
            "{g:Os dois|As duas} dividiram as uvas, a banana e até o último biscoito.",
            "Um pedaço para cada um, bem certinho.",
            "Nunca um lanche tinha sido tão gostoso.",
            "Conversaram, riram e contaram histórias, e o lanche durou a tarde inteira.",
        ),
        (
            "No dia seguinte, {friend} apareceu com um bolo de cenoura.",
            "— Hoje é minha vez de dividir! — disse, rindo.",
            "E o lanche virou uma festa.",
            "Outros amigos chegaram com frutas e sucos, e cada um trouxe um pouquinho para todos.",
        ),
        (
            "{hero} aprendeu que dividir multiplica a alegria.",
            "Quando a gente compartilha, ninguém fica de fora.",
            "E sempre que sonhava com {theme}, {hero} sonhava também com uma mesa grande, cheia de amigos.",
            "Porque as coisas boas da vida ficam ainda melhores quando são divididas.",
        ),
    ),
    "learning": (
        (
            "No fim da tarde, {hero} e {c:seu amigo|sua amiga} {friend} encontraram Dona Coruja num galho.",
            "— Hoje o assunto é importante: {goal} — disse ela.",
            "{hero} ficou {h:curioso|curiosa}: por onde começar?",
            "Dona Coruja piscou os olhões e prometeu ajudar, mas só se {g:eles|elas} fizessem muitas perguntas.",
        ),
        (
            "{hero} fez muitas perguntas, e {friend} anotou tudo num caderno.",
            "Cada resposta trazia uma nova descoberta.",
            "— Perguntar é o primeiro passo para aprender — disse Dona Coruja.",
            "O caderno de {friend} ficou cheio de desenhos, setas e palavras novas.",
        ),
        (
            "Depois, {g:os dois|as duas} tentaram colocar em prática o que aprenderam.",
            "Erraram uma vez, tentaram de novo e acertaram!",
            "— Errar faz parte de aprender — disse Dona Coruja, orgulhosa.",
            "{hero} percebeu que cada erro mostrava um caminho novo para tentar.",
        ),
        (
            "Quando a lua apareceu, {hero} e {friend} já sabiam explicar tudo para os outros amigos.",
            "Dona Coruja bateu as asas, muito contente.",
            "Que dia de descobertas!",
            "E os amigos, ouvindo com atenção, também aprenderam um pouquinho com {g:eles|elas}.",
        ),
        (
            "{hero} aprendeu uma lição importante sobre {goal}.",
            "Aprender é como uma aventura: a gente pergunta, tenta, erra e tenta de novo.",
            "E sempre que sonhava com {theme}, {hero} tinha vontade de descobrir ainda mais.",
            "Porque quem aprende com alegria nunca para de crescer.",
        ),
    ),
}

TITLES = (
    "{hero} e {friend}: {arc_title}",
    "A grande aventura de {hero}",
    "{hero} no mundo {de_things}",
    "{hero} e o dia das descobertas",
)

ARC_TITLES = {
    "friendship": "amigos de verdade",
    "numbers": "contando com os amigos",
    "nature": "guardiões da natureza",
    "hygiene": "patinhas limpinhas",
    "courage": "coragem no coração",
    "sharing": "o lanche dividido",
    "learning": "um dia de descobertas",
}


def a(noun: str, feminine: bool) -> str:
    return f"{'uma' if feminine else 'um'} {noun}"


def of_the_plural(noun: str, feminine: bool) -> str:
    return f"{'das' if feminine else 'dos'} {noun}"
