// Draws the management dashboard's charts from the JSON the page embeds with
// json_script. The tables beside each chart carry the same numbers, so nothing is
// lost without JavaScript or for screen readers.
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var status = document.getElementById("chart-status");
    if (status) {
      new window.Chart(status, {
        type: "bar",
        data: {
          labels: data.status.labels,
          datasets: [{ label: "Orders", data: data.status.values }],
        },
        options: {
          plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        },
      });
    }
    var turnaround = document.getElementById("chart-turnaround");
    if (turnaround) {
      new window.Chart(turnaround, {
        type: "line",
        data: {
          labels: data.turnaround.labels,
          datasets: [
            { label: "Median (hours)", data: data.turnaround.median },
            { label: "90th percentile (hours)", data: data.turnaround.p90 },
          ],
        },
        options: { scales: { y: { beginAtZero: true } } },
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
