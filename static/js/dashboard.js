/* SLA dashboard charts: data comes from the page (json_script), Chart.js is vendored. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var palette = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384", "#20c997", "#6c757d"];

  var compliance = document.getElementById("compliance-chart");
  if (compliance) {
    new Chart(compliance, {
      type: "line",
      data: {
        labels: data.months,
        datasets: [
          {label: data.labels.reaction, data: data.reaction, borderColor: palette[0],
           backgroundColor: palette[0], spanGaps: true, tension: 0.2},
          {label: data.labels.resolution, data: data.resolution, borderColor: palette[1],
           backgroundColor: palette[1], spanGaps: true, tension: 0.2}
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: {duration: 300},
        scales: {y: {min: 0, max: 100, ticks: {callback: function (v) { return v + " %"; }}}},
        plugins: {legend: {position: "bottom"}}
      }
    });
  }

  var billable = document.getElementById("billable-chart");
  if (billable) {
    new Chart(billable, {
      type: "bar",
      data: {
        labels: data.months,
        datasets: data.billable.map(function (row, i) {
          return {label: row.label, data: row.data, backgroundColor: palette[i % palette.length]};
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: {duration: 300},
        scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true,
                 title: {display: true, text: data.labels.hours}}},
        plugins: {legend: {position: "bottom"}}
      }
    });
  }
})();
