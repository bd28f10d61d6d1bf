// Tonle: the few behaviours htmx does not give. Pages work without this file.
document.addEventListener("htmx:afterSwap", (event) => {
  // After a tick or a registration, put the cursor back in the search box for the next name.
  const search = document.querySelector("[data-refocus]");
  if (search && event.detail.target.id === "attendees") {
    search.value = "";
    search.focus();
  }
});
