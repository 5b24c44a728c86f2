extensions = [
    "myst_parser",
    "bilingual.switcher",
    "bilingual.anchors",
    "bilingual.glossary_order",
    "bilingual.sidebyside",
]
language = "ko"
locale_dirs = ["locale"]
gettext_compact = False
edition_languages = ["ko", "en"]
gettext_allow_fuzzy_translations = True
