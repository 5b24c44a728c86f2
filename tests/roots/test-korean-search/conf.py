extensions = ["bilingual.korean_search"]
language = "ko"
