extensions = ["myst_parser", "bilingual.progress"]
language = "en"
locale_dirs = ["locales"]
gettext_compact = False
edition_languages = ["ko", "en"]
translation_progress_classes = True
