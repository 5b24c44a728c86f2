extensions = ["myst_parser", "bilingual.safe_translations"]
language = "en"
locale_dirs = ["locales"]
gettext_compact = False
edition_languages = ["ko", "en"]
