extensions = ["myst_parser", "bilingual.speedups"]
html_theme = "furo"
language = "ko"
locale_dirs = ["locale"]
gettext_compact = False
gettext_allow_fuzzy_translations = True
