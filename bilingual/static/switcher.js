// Keep the reader's place: carry the current #fragment into the other edition.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.edition-link");
  if (link && window.location.hash) {
    link.hash = window.location.hash;
  }
});
