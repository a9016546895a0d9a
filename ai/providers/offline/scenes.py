"""English illustration prompts, one per story beat, shared by the three languages.

{H} is the hero ("Tito the little dinosaur wearing a striped scarf"), {F} the friend,
{thing}/{things}/{a_thing} the theme's drawable thing. Each prompt names concrete, drawable
objects so the offline illustrator (and a real image model) can compose the scene.
"""

PROMPTS: dict[str, str] = {
    "home.0": "{H} waving in front of a little house with a round window, flowers in the garden, "
    "a tree, the sun and clouds in the sky, {a_thing} nearby",
    "home.1": "{H} standing happily on a green hill with a house, a river and mountains behind, "
    "the sun rising, {a_thing} beside",
    "friend.0": "{F} knocking at the door of a house while {H} opens it with a backpack, "
    "a tree and the sun in the sky",
    "friend.1": "{H} meets {F} in a village square with a tree and a bench, both holding a map, "
    "{a_thing} nearby",
    "bridge": "{H} and {F} walking over a small wooden bridge above a river, fish jumping in the water, "
    "trees on the banks, the sun in the sky",
    "garden": "{H} in a garden full of flowers, a butterfly landing on the nose, {F} laughing, "
    "a tree and the sun",
    "sand": "{H} drawing {things} in the sand with a stick by a lake, {F} helping, a bird watching, "
    "sun and clouds",
    "library": "{H} and {F} in a cozy library reading a big open book about {things}, "
    "books on shelves, a lamp",
    "kite": "{H} and {F} flying a kite on top of a windy hill, clouds in the sky, grass and flowers",
    "picnic": "{H} and {F} having a picnic under a big tree with apples, bread, a basket and a cup, "
    "the sun in the sky",
    "rain": "{H} and {F} under an umbrella in the rain, a rainbow appearing in the sky, clouds and puddles",
    "song": "{H} and {F} sitting on a rock singing a song about {things}, music notes floating, "
    "a tree and flowers",
    "farm": "{H} and {F} visiting a farm with a pig, a horse, a fence and a tractor, the sun above",
    "forest": "{H} and {F} walking in a forest of tall trees, a mushroom, leaves and an owl on a branch",
    "clouds": "{H} and {F} lying on the grass looking at the clouds, one cloud shaped like {a_thing}, "
    "flowers around",
    "market": "{H} and {F} at a fruit market stall with apples, lemons, carrots and a basket",
    "map": "{H} and {F} following a treasure map to a tree, digging with a shovel, "
    "finding a box with stickers of {things}",
    "build": "{H} and {F} building a big {thing} out of cardboard boxes, with a pencil and tape, "
    "a house in the background",
    "puddles": "{H} and {F} jumping in puddles wearing rain boots, clouds and a little sun, "
    "a tree and flowers",
    "friendship.0": "{H} and {F} both pulling the same ball, looking grumpy, a tree nearby, clouds above",
    "friendship.1": "{H} thinking with a hand on the chin while {F} sits alone under a tree, a heart",
    "friendship.2": "{H} saying sorry to {F} and offering the ball, a tree and flowers, a heart",
    "friendship.3": "{H} and {F} laughing and playing ball together in a park, birds and the sun",
    "friendship.4": "{H} and {F} sleeping happily in beds at night, a moon and stars in the window, a heart",
    "numbers.0": "{H} and {F} planning a party in a kitchen, a table with cakes and a gift",
    "numbers.1": "{H} counting on fingers while {F} holds a pencil and paper, balloons around",
    "numbers.2": "{H} and {F} placing cakes on a table one by one, an abacus and a cake",
    "numbers.3": "a happy party with {H} and {F}, balloons, cakes, a gift and stars",
    "numbers.4": "{H} in bed at night counting stars through the window, the moon and stars",
    "nature.0": "{H} and {F} in a park looking sadly at litter on the grass and a wilted plant, a tree",
    "nature.1": "{H} and {F} picking up litter into a bucket and a box to recycle, a tree and flowers",
    "nature.2": "{H} watering a small plant with a watering can while {F} plants a seed, the sun",
    "nature.3": "{H} and {F} in a clean green park with a sprouting plant, flowers, birds and a tree",
    "nature.4": "{H} and {F} hugging a big tree, flowers, a butterfly, the sun and a rainbow",
    "hygiene.0": "{H} and {F} with muddy paws after playing, an apple on a table, a house",
    "hygiene.1": "{H} and {F} washing hands with soap and lots of bubbles at a sink, a droplet",
    "hygiene.2": "{H} drying hands with a towel while {F} brushes teeth, a toothbrush and a cup",
    "hygiene.3": "{H} taking a warm bath full of bubbles in a bathtub, {F} with a towel, a duck toy",
    "hygiene.4": "{H} clean and happy in bed at night, the moon and stars, a heart",
    "courage.0": "{H} and {F} hearing a noise behind some bushes at sunset, a tree, the moon rising",
    "courage.1": "{H} taking a deep breath with eyes closed, {F} holding a hand, stars appearing",
    "courage.2": "{H} and {F} walking slowly hand in hand towards the bushes, a lamp, a tree and the moon",
    "courage.3": "{H} and {F} finding a lost little kitten in the bushes, a cat mother, the moon and stars",
    "courage.4": "{H} standing proud under the stars, {F} beside, the moon and a shield with a star",
    "sharing.0": "{H} holding a basket of fruit while {F} looks hungry, a tree and the sun",
    "sharing.1": "{H} offering the best apple to {F}, a basket, a tree, a heart",
    "sharing.2": "{H} and {F} sharing grapes, a banana and cookies on a picnic blanket, the sun",
    "sharing.3": "{F} bringing a carrot cake to share with {H}, a table, a gift and a heart",
    "sharing.4": "{H} and {F} smiling together under a tree with a heart, the sun and clouds",
    "learning.0": "{H} and {F} meeting a wise old owl on a tree branch in the evening, a book",
    "learning.1": "{H} asking questions while {F} writes in a notebook with a pencil, an owl and a tree",
    "learning.2": "{H} and {F} trying again and again, a book and a pencil, a star of success",
    "learning.3": "{H} and {F} explaining to other friends under the moon, the owl flapping its wings, stars",
    "learning.4": "{H} reading a book in bed at night, the moon and stars through the window",
}

COVER_PROMPT = (
    "Book cover: {H} big and smiling in the center, {F} beside, {things} around them, "
    "stars and a rainbow, a clear frame"
)
