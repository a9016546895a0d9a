# ruff: noqa: E501  (sentences read better unbroken; this module is data)
"""Story beats in English (same structure and placeholders as story_pt.py)."""

HOME = (
    (
        "Once upon a time there was {a_species} named {hero} who dreamed about {theme}.",
        "{h:He|She} always wore {wear} and had {look}.",
        "{h:He|She} lived in a little yellow house near the forest, with a round window and a garden full of flowers.",
        "Every morning {h:he|she} opened the window, stretched and said: “Today is going to be an amazing day!”",
    ),
    (
        "{hero} was a very curious little {species} who loved {theme}.",
        "{h:He|She} never left home without {wear}, and {h:he|she} had {look}.",
        "{h:His|Her} house stood on top of a green hill, where you could see the river and the mountains.",
        "That sunny morning, {hero} woke up with a huge wish to go on an adventure.",
    ),
)

FRIEND = (
    (
        "Early in the morning, {friend} knocked at the door: {c:he|she} was {a_fspecies} and {hero}'s best friend.",
        "“Shall we go exploring?” asked {friend}, smiling from ear to ear.",
        "{hero} packed a water bottle, a magnifying glass and a snack.",
        "And off they went, humming along the path to the woods.",
    ),
    (
        "In the village square, {hero} met {friend}, {a_fspecies} who was {h:his|her} best friend.",
        "{friend} loved {things} too, so they always had lots to talk about.",
        "“Today we'll discover new things!” they agreed with a high five.",
        "They drew a map on a piece of paper and marked every place they wanted to visit with an X.",
    ),
)

EPISODES = {
    "bridge": (
        "{hero} and {friend} crossed a wooden bridge over the river.",
        "Down below, little silver fish were jumping in the water.",
        "{friend} counted out loud: one, two, three fish!",
        "The sound of the water was like music, and the two friends stopped for a while just to listen.",
    ),
    "garden": (
        "In the garden, the flowers were open and smelled sweet.",
        "A butterfly landed right on {hero}'s nose, and {h:he|she} burst out laughing.",
        "{friend} laughed so hard that {c:he|she} had to sit down on the grass.",
        "They learned that butterflies visit flowers to drink nectar, and that this helps the garden grow.",
    ),
    "sand": (
        "By the lake, {hero} drew {things} in the sand.",
        "{friend} helped with the details using a little stick.",
        "The drawings were so beautiful that a bird came over to look.",
        "When the water washed them away, they weren't sad: they could just draw again, even better.",
    ),
    "library": (
        "In the village library, the two friends found a huge book about {things}.",
        "Every page held a different surprise.",
        "{hero} read out loud, and {friend} listened with shining eyes.",
        "The librarian smiled and said that books are doors to places we don't know yet.",
    ),
    "kite": (
        "On top of the hill, the wind was blowing hard.",
        "{hero} and {friend} flew a kite that danced in the sky.",
        "“Higher, higher!” shouted {friend}, holding the string carefully.",
        "From up there, the village looked tiny, like a toy model.",
    ),
    "picnic": (
        "In the shade of a big tree, the two friends had a picnic.",
        "There were apples, fresh bread and orange juice.",
        "{hero} put the peels in a little bag so the grass would stay clean.",
        "After the snack, they lay down and watched the leaves swaying in the wind.",
    ),
    "rain": (
        "Suddenly, it started to rain!",
        "{hero} and {friend} ran under a big umbrella.",
        "When the rain stopped, a huge rainbow appeared in the sky.",
        "{friend} explained that a rainbow appears when sunlight shines through the raindrops.",
    ),
    "song": (
        "Sitting on a rock, the two friends made up a song about {things}.",
        "{hero} sang the tune and {friend} clapped along.",
        "The birds in the tree seemed to sing with them.",
        "The song was so cheerful that they decided to teach it to all their friends later.",
    ),
    "farm": (
        "The two friends walked past a farm full of animals.",
        "The piglet went oink, and the horse shook its mane.",
        "The farmer showed them the tractor and let {hero} honk the horn: beep, beep!",
        "They learned that much of the food we eat every day comes from farms like this one.",
    ),
    "forest": (
        "In the forest, the trees were so tall they seemed to touch the clouds.",
        "{hero} found a little round mushroom next to a rock.",
        "An owl blinked from a high branch, as if to say hello.",
        "{friend} reminded {hero} that in the forest we look and admire, but we don't pick anything, "
        "so everything stays beautiful.",
    ),
    "clouds": (
        "Lying on the grass, {hero} and {friend} watched the clouds.",
        "“Look! That cloud looks like {a_thing}!” said {hero}.",
        "{friend} found another one that looked like an ice cream cone.",
        "The clouds changed shape slowly, and each one told a new story.",
    ),
    "market": (
        "At the market, a friendly man was selling fruit and vegetables.",
        "{hero} picked a red apple, and {friend} picked a carrot.",
        "They said thank you and paid with coins they had saved.",
        "The man told them that the tastiest fruit is the fruit of the season, picked at just the right time.",
    ),
    "map": (
        "{friend} found an old map, and the X marked the oldest tree in the woods.",
        "There, they dug with a little shovel and found a box full of stickers of {things}.",
        "Each sticker was prettier than the last, and {hero} wanted to show them all to the family.",
        "They decided to leave a new drawing inside, so the next explorer would get a surprise too.",
    ),
    "build": (
        "With cardboard boxes, the two friends built a giant {thing}.",
        "{hero} drew the details with pencils, and {friend} held the boxes steady.",
        "When they finished, they stepped back and clapped.",
        "They found out that working together, you can build things much bigger than on your own.",
    ),
    "puddles": (
        "After the rain, the path was full of puddles.",
        "{hero} and {friend} put on their boots and jumped in: splash!",
        "Each jump made a bigger splash than the one before.",
        "In one very still puddle, they saw the sky and the clouds reflected, like in a mirror.",
    ),
}

ARCS = {
    "friendship": (
        (
            "On the way home, {hero} and {h:his|her} friend {friend} both wanted the same ball.",
            "They pulled and pulled, and ended up grumpy.",
            "{friend} went to sit alone under a tree.",
            "{hero} felt a squeeze in {h:his|her} heart: playing without {friend} was no fun at all.",
        ),
        (
            "{hero} thought: “What would a good friend do now?”",
            "{h:He|She} took a deep breath and counted to three.",
            "{h:He|She} remembered all the times {friend} had helped {h:him|her} when {h:he|she} needed it.",
            "Then {h:he|she} walked slowly to the tree, with an idea in {h:his|her} heart.",
        ),
        (
            "“I'm sorry, {friend}. Shall we play together?” asked {hero}.",
            "{friend} smiled: “I'm sorry too! We can take turns.”",
            "{hero} offered the ball first, and {friend} gave {h:him|her} a big hug.",
            "Saying sorry made them both feel lighter, as if they had taken a rock out of their backpacks.",
        ),
        (
            "The two friends invented a new game: one kicked and the other caught.",
            "They laughed so much that even the birds came to watch.",
            "Playing together was much more fun than playing alone.",
            "By the end of the afternoon, they had made up three different games, each with a rule invented by "
            "one of them.",
        ),
        (
            "That night, {hero} understood: true friends talk, say sorry and share the fun.",
            "And whenever {h:he|she} dreamed about {theme}, {h:he|she} remembered the day their friendship grew "
            "even stronger.",
            "Because a friend is not someone who always agrees with us, but someone we choose to care for.",
            "Good night, {hero}! Good night, {friend}!",
        ),
    ),
    "numbers": (
        (
            "Back home, {hero} and {h:his|her} friend {friend} decided to throw a party.",
            "“How many cupcakes will we need?” asked {friend}.",
            "{hero} scratched {h:his|her} head: {h:he|she} didn't know!",
            "It was time to use numbers, which help us keep things organized.",
        ),
        (
            "First, they counted the guests on their fingers: one, two, three, four, five.",
            "“Five friends!” said {hero}.",
            "{friend} wrote a big number 5 on a piece of paper so nobody would forget.",
            "Then they drew five dots next to the number, one for each guest.",
        ),
        (
            "Then they put the cupcakes on the table, one for each friend.",
            "But there were only four cupcakes!",
            "{hero} thought: five friends minus four cupcakes... one is missing!",
            "They checked with an abacus, sliding the beads one by one, and the sum was right.",
        ),
        (
            "{hero} and {friend} baked one more cupcake, nice and round.",
            "When the guests arrived, each one got a cupcake.",
            "Nobody was left without one, and the party was full of joy.",
            "At the end, they counted the empty plates: five! Exactly as they had planned.",
        ),
        (
            "That night, {hero} smiled: counting helps us take care of everyone.",
            "Numbers are everywhere: on our fingers, in the cupcakes and in the stars in the sky.",
            "And whenever {h:he|she} dreamed about {theme}, {hero} counted softly until {h:he|she} fell asleep.",
            "One, two, three... and {h:his|her} little eyes slowly closed.",
        ),
    ),
    "nature": (
        (
            "On the way back, {hero} and {h:his|her} friend {friend} walked through the park and saw something sad.",
            "There were papers and bottles thrown on the grass.",
            "A little plant was drooping, with no water.",
            "“Poor nature!” said {friend}. “It can't clean itself up.”",
        ),
        (
            "“Let's help!” said {hero}.",
            "The two friends put on gloves, took a bucket and picked up all the litter.",
            "Paper on one side, plastic on the other: that way it can be recycled.",
            "They learned that many things we throw away can become something new, like a notebook or a toy.",
        ),
        (
            "Then {hero} watered the little plant with fresh water.",
            "{friend} planted a tiny seed next to it.",
            "“Grow strong!” whispered {friend}, covering the seed with soil.",
            "They promised to come back every day to watch the seed grow.",
        ),
        (
            "A few days later, the little plant was green and the seed had become a sprout.",
            "The birds came back to sing in the park.",
            "The place was clean, fresh and full of life.",
            "Even the butterflies came back, visiting the new flowers that were starting to open.",
        ),
        (
            "{hero} learned that taking care of nature is taking care of our home.",
            "Every small action, like putting litter in the right bin, makes a big difference.",
            "And whenever {h:he|she} dreamed about {theme}, {h:he|she} imagined a green world full of flowers.",
            "Because the Earth is everyone's home: people, animals and plants.",
        ),
    ),
    "hygiene": (
        (
            "After so much adventure, {hero} and {h:his|her} friend {friend} had paws covered in mud.",
            "It was snack time, and {hero} was about to grab an apple.",
            "“Wait!” said {friend}. “What about the germs we can't see?”",
            "Germs are so tiny that you can only see them with a microscope, but they can make us sick.",
        ),
        (
            "The two friends went to the sink and washed their paws with soap.",
            "They made lots of foam, full of bubbles.",
            "They scrubbed between their fingers, on top and underneath, singing a song to count the time.",
            "{friend} explained that washing for twenty seconds, the length of a little song, is the right way.",
        ),
        (
            "Then they rinsed everything and dried off with a soft towel.",
            "{hero} sniffed {h:his|her} paws: they smelled so clean!",
            "Only then did they eat their snack, calm and happy.",
            "After the snack, they brushed their teeth too, slowly, tooth by tooth.",
        ),
        (
            "At night, {hero} had a warm bath full of bubbles.",
            "{friend} waited with the towel, laughing at the bubbles on {hero}'s head.",
            "{hero} came out of the bath clean and fresh.",
            "{h:He|She} put on {h:his|her} pajamas, brushed {h:his|her} hair and felt ready to dream.",
        ),
        (
            "{hero} learned that washing our hands, taking baths and brushing our teeth keeps us healthy.",
            "Staying clean is a way to take care of ourselves and our friends.",
            "And whenever {h:he|she} dreamed about {theme}, {h:he|she} slept fresh and peaceful.",
            "Because small habits, done every day, become great health superpowers.",
        ),
    ),
    "courage": (
        (
            "As the sun began to set, {hero} and {h:his|her} friend {friend} heard a strange noise.",
            "It came from behind the bushes: squeak, squeak!",
            "{hero} felt {h:his|her} legs shaking.",
            "“Is it a monster?” {h:he|she} whispered, {h:his|her} heart beating fast.",
        ),
        (
            "{hero} took three deep breaths, very slowly.",
            "{h:His|Her} heart began to calm down.",
            "“Being scared is normal,” said {friend}. “But we can look together.”",
            "{hero} remembered that courage is not feeling no fear, it is taking a step even when you are afraid.",
        ),
        (
            "Hand in hand, the two friends walked up to the bushes.",
            "Step by step, very slowly.",
            "The noise got louder: squeak, squeak!",
            "{hero} carefully moved the leaves aside and peeked in.",
        ),
        (
            "It was only a lost kitten looking for its mother!",
            "{hero} and {friend} helped the kitten find its way back.",
            "The mother cat purred with joy: thank you so much!",
            "The kitten, who had been just as scared as they were, was now sleeping warm next to its mom.",
        ),
        (
            "{hero} found out that being brave means facing fear calmly and with friends.",
            "Sometimes, what looks scary is just something we don't know yet.",
            "And whenever {h:he|she} dreamed about {theme}, {hero} remembered that night of courage.",
            "When fear shows up again, {h:he|she} knows what to do: breathe deeply, ask for help and take a closer "
            "look.",
        ),
    ),
    "sharing": (
        (
            "At snack time, {hero} had a basket full of fruit, but {h:his|her} friend {friend} had nothing.",
            "{friend} had forgotten {c:his|her} snack at home.",
            "{friend}'s tummy rumbled loudly: grrrumble!",
            "{hero} looked at the basket and thought: “But I wanted to eat it all by myself...”",
        ),
        (
            "Then {hero} remembered how bad it feels to be hungry.",
            "{h:He|She} picked the nicest apple and offered: “Do you want to share with me?”",
            "{friend} gave a huge smile.",
            "{hero} noticed that {friend}'s smile warmed {h:his|her} heart more than any fruit could.",
        ),
        (
            "The two friends shared the grapes, the banana and even the last cookie.",
            "One piece for each, fair and square.",
            "No snack had ever tasted so good.",
            "They talked, laughed and told stories, and the snack lasted the whole afternoon.",
        ),
        (
            "The next day, {friend} showed up with a carrot cake.",
            "“Today it's my turn to share!” {c:he|she} said, laughing.",
            "And the snack turned into a party.",
            "Other friends arrived with fruit and juice, and everyone brought a little something for all.",
        ),
        (
            "{hero} learned that sharing multiplies joy.",
            "When we share, nobody is left out.",
            "And whenever {h:he|she} dreamed about {theme}, {hero} also dreamed of a big table full of friends.",
            "Because the good things in life get even better when they are shared.",
        ),
    ),
    "learning": (
        (
            "Late in the afternoon, {hero} and {h:his|her} friend {friend} met Mrs. Owl on a branch.",
            "“Today's subject is important: {goal},” she said.",
            "{hero} was curious: where to begin?",
            "Mrs. Owl blinked her big eyes and promised to help, but only if they asked lots of questions.",
        ),
        (
            "{hero} asked lots of questions, and {friend} wrote everything down in a notebook.",
            "Every answer brought a new discovery.",
            "“Asking is the first step to learning,” said Mrs. Owl.",
            "{friend}'s notebook filled up with drawings, arrows and new words.",
        ),
        (
            "Then the two friends tried to put what they had learned into practice.",
            "They got it wrong once, tried again and got it right!",
            "“Mistakes are part of learning,” said Mrs. Owl proudly.",
            "{hero} realized that every mistake showed a new way to try.",
        ),
        (
            "When the moon came out, {hero} and {friend} could explain everything to their other friends.",
            "Mrs. Owl flapped her wings, very pleased.",
            "What a day of discoveries!",
            "And their friends, listening carefully, learned a little from them too.",
        ),
        (
            "{hero} learned an important lesson about {goal}.",
            "Learning is like an adventure: we ask, we try, we make mistakes and we try again.",
            "And whenever {h:he|she} dreamed about {theme}, {hero} wanted to discover even more.",
            "Because those who learn with joy never stop growing.",
        ),
    ),
}

TITLES = (
    "{hero} and {friend}: {arc_title}",
    "{hero}'s Great Adventure",
    "{hero} in the World of {Things}",
    "{hero} and the Day of Discoveries",
)

ARC_TITLES = {
    "friendship": "True Friends",
    "numbers": "Counting on Friends",
    "nature": "Guardians of Nature",
    "hygiene": "Squeaky Clean Paws",
    "courage": "A Brave Heart",
    "sharing": "The Shared Snack",
    "learning": "A Day of Discoveries",
}


def a(noun: str, feminine: bool) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def of_the_plural(noun: str, feminine: bool) -> str:
    return noun
