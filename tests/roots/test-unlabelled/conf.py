extensions = ["myst_parser", "bilingual.anchors"]
language = "ko"
