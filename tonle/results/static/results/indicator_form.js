// Choosing what the indicator counts shows that measure's filters; what was typed is kept.
document.querySelector("[data-reload=measure]").addEventListener("change", () => {
  document.querySelector("#indicator-form button[name=choose]").click();
});
