// Tonle: the few behaviours htmx does not give. Pages work without this file.
document.addEventListener("htmx:afterSwap", (event) => {
  // After a tick or a registration, put the cursor back in the search box for the next name
  // (not when she only turns a page of the list: that would scroll her back up).
  const search = document.querySelector("[data-refocus]");
  const turnedPage = event.detail.requestConfig && event.detail.requestConfig.verb === "get";
  if (search && event.detail.target.id === "attendees" && !turnedPage) {
    search.value = "";
    search.focus();
  }
});
