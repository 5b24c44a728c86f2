import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

project = "작은 책"
author = "홍길동"
copyright = "2018, 출판사"  # noqa: A001
version = release = "1.0"
language = "ko"
locale_dirs = ["locale"]
gettext_compact = False
edition_languages = ["ko", "en"]
extensions = ["bilingual.edition_meta", "bilingual.epub"]
html_baseurl = "https://example.org/book/"
epub_publisher = epub_contributor = "출판사"
epub_uid = "book-id"
epub_scheme = "URL"
epub_basename = "book"
