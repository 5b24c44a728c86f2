extensions = ["myst_parser", "bilingual.source_checks"]
language = "ko"
