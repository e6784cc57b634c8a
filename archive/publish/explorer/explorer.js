// Table and query pages of the explorer: column descriptions folded away, a CSV-for-Excel export.
(function () {
  for (const list of document.querySelectorAll("dl.column-descriptions")) {
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    details.className = "column-descriptions-toggle";
    summary.textContent = "列说明 Column descriptions (" + list.querySelectorAll("dt").length + ")";
    list.replaceWith(details);
    details.append(summary, list);
  }
  for (const link of document.querySelectorAll(".export-links a")) {
    if (link.textContent !== "CSV") continue;
    const excel = document.createElement("a");
    const url = new URL(link.href, location.href);
    url.searchParams.set("_bom", "1");
    excel.href = url.pathname + url.search;
    excel.className = "csv-excel";
    excel.textContent = "CSV for Excel (中文)";
    link.after(", ", excel);
  }
  // A table laid out for reading (reports and their views) puts its rows first and its facets after them.
  const rows = document.querySelector(".table-wrapper.laid-out");
  const facets = document.querySelector(".facet-results");
  if (rows && facets) {
    facets.id = "facets";
    rows.after(facets);
    const note = document.createElement("p");
    note.className = "facets-below";
    note.innerHTML = '<a href="#facets">分面 Facets</a> (year, format, status…) are below the rows.';
    rows.before(note);
  }
  const form = document.querySelector(".advanced-export form");
  if (form) {
    const label = document.createElement("label");
    label.innerHTML = '<input type="checkbox" name="_bom" value="1"> for Excel (BOM)';
    form.querySelector("input[type=submit]").before(label, " ");
  }
})();
