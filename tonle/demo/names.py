"""Khmer family and given names, each in Khmer script and in the usual Latin spelling."""

FAMILY_NAMES = [
    ("សុខ", "Sok"), ("ចាន់", "Chan"), ("ហេង", "Heng"), ("កែវ", "Keo"), ("គីម", "Kim"),
    ("លី", "Ly"), ("មាស", "Meas"), ("ញឹម", "Nhem"), ("អ៊ុក", "Ouk"), ("ផាន់", "Phan"),
    ("ប្រាក់", "Prak"), ("សំ", "Sam"), ("សេង", "Seng"), ("សោម", "Som"), ("ទេព", "Tep"),
    ("ទូច", "Touch"), ("យឹម", "Yim"), ("ជា", "Chea"), ("ឈឹម", "Chhim"), ("ហ៊ុន", "Hun"),
    ("ម៉ៅ", "Mao"), ("ប៉ែន", "Pen"), ("រឿន", "Roeun"), ("ស៊ីម", "Sim"), ("ថាច់", "Thach"),
    ("វង្ស", "Vong"), ("ឡុង", "Long"), ("នូវ", "Nov"), ("អែម", "Em"), ("សួន", "Suon"),
    ("ឃីម", "Khim"), ("ពេជ្រ", "Pich"), ("ស៊ុន", "Sun"), ("ម៉ម", "Mom"), ("អ៊ឹម", "Im"),
]  # fmt: skip

GIVEN_NAMES = [
    ("សុភា", "Sophea"), ("ស្រីពៅ", "Srey Pov"), ("ស្រីមុំ", "Sreymom"), ("ចាន់ធូ", "Chanthou"),
    ("ដារ៉ា", "Dara"), ("កញ្ញា", "Kanha"), ("លក្ខិណា", "Leakhena"), ("ម្លិះ", "Malis"),
    ("ណារី", "Nary"), ("ផល្លា", "Phalla"), ("ពិសី", "Pisey"), ("រចនា", "Rachana"),
    ("សុខា", "Sokha"), ("សុគន្ធា", "Sokunthea"), ("សុផល", "Sophal"), ("សុធា", "Sothea"),
    ("ស្រីល័ក្ខ", "Sreyleak"), ("ធីតា", "Thida"), ("វណ្ណា", "Vanna"), ("បុប្ផា", "Bopha"),
    ("ច័ន្ទនារី", "Channary"), ("កុលាប", "Kolab"), ("មុនីកា", "Monika"), ("នារី", "Neary"),
    ("រស្មី", "Raksmey"), ("សុខុម", "Sokhom"), ("ស្រីនាង", "Sreyneang"), ("វិច្ឆិកា", "Vicheka"),
    ("ចិន្តា", "Chenda"), ("ដាវី", "Davy"), ("គន្ធា", "Kunthea"), ("លីណា", "Lina"),
    ("មាលា", "Mealea"), ("ណាវី", "Navy"), ("ស្រីនិច", "Sreynich"), ("ធារី", "Theary"),
    ("សុវណ្ណី", "Sovanny"), ("ស្រីអូន", "Srey Oun"), ("ពៅ", "Pov"), ("សំណាង", "Samnang"),
]  # fmt: skip
