// The playground page's code (served by the gateway at /playground/playground.js; plain JavaScript, no build, no
// network beyond the gateway). It reads /openapi.json for the endpoints, posts queries, draws the matches with their
// scores, the time each executor took (the response's routes), the flow graph (/playground/graph), the gateway's
// request rate and latency (/playground/metrics) and the index size (every executor's /status through /post).

const $ = (id) => document.getElementById(id);

/** A score is a distance (smaller is closer) when its op_name says so or its name is a distance metric's (Jina's
 * `cosine`, `euclidean`, `sqeuclidean`, also as a suffix: `vector_cosine`); every other score is a similarity. */
const isDistance = (name, score) => /distance/i.test(score.op_name ?? score.opName ?? "") || /(^|_)(cosine|euclidean|sqeuclidean|l2|distance)$/.test(name);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

function say(text, isError = false) {
  $("message").textContent = text;
  $("message").classList.toggle("error", isError);
}

async function getJson(path, init) {
  const response = await fetch(path, init);
  const body = await response.json();
  if (!response.ok) throw new Error(body?.header?.status?.description ?? `${path} answered ${response.status}`);
  return body;
}

/** The POST routes of /openapi.json that take documents (`data`), /search first; the debug routes are left out. */
async function loadEndpoints() {
  const select = $("endpoint");
  let paths = ["/search"];
  try {
    const openapi = await getJson("/openapi.json");
    if (openapi.info?.title) {
      $("title").textContent = openapi.info.title;
      document.title = `${openapi.info.title} — playground`;
    }
    if (openapi.info?.description) $("description").textContent = openapi.info.description;
    paths = Object.entries(openapi.paths ?? {})
      .filter(([path, methods]) => methods.post && !["/post", "/index"].includes(path) && !path.includes("."))
      .map(([path]) => path)
      .sort((a, b) => (a === "/search" ? -1 : b === "/search" ? 1 : a.localeCompare(b)));
  } catch (error) {
    say(`Cannot read /openapi.json (${error.message}); using /search.`, true);
  }
  select.replaceChildren(...(paths.length ? paths : ["/search"]).map((path) => element("option", { value: path }, path)));
}

function scoreLine(scores) {
  const line = element("p", { class: "score" });
  for (const [name, score] of Object.entries(scores ?? {})) {
    const kind = isDistance(name, score) ? "distance" : "similarity";
    line.append(`${name} ${kind} `, element("strong", {}, Number(score.value).toFixed(4)), " ");
  }
  return line;
}

function tagList(tags) {
  const list = element("ul", { class: "tags", "aria-label": "tags" });
  for (const [key, value] of Object.entries(tags ?? {})) {
    const shown = Array.isArray(value) ? value.join(" · ") : typeof value === "object" ? JSON.stringify(value) : String(value);
    if (shown) list.append(element("li", {}, `${key}: ${shown}`));
  }
  return list;
}

function showResults(docs) {
  const items = [];
  for (const doc of docs) {
    const matches = doc.matches ?? [];
    const shown = matches.length ? matches : [doc];
    for (const match of shown) {
      items.push(element("li", { class: "result", "data-id": match.id ?? "" },
        scoreLine(match.scores), element("p", { class: "text" }, match.text ?? ""), element("span", { class: "id" }, match.id ?? ""), tagList(match.tags)));
    }
  }
  $("results").replaceChildren(...items);
  return items.length;
}

function showTimings(routes) {
  const rows = (routes ?? []).map((route) => ({
    executor: route.executor,
    ms: route.startTime && route.endTime ? Date.parse(route.endTime) - Date.parse(route.startTime) : NaN,
  }));
  const longest = Math.max(1, ...rows.map((row) => (Number.isFinite(row.ms) ? row.ms : 0)));
  $("timings").tBodies[0].replaceChildren(...rows.map((row) =>
    element("tr", {}, element("td", {}, row.executor), element("td", { class: "ms" }, Number.isFinite(row.ms) ? String(row.ms) : "–"),
      element("td", {}, Object.assign(element("div", { class: "bar" }), { style: `width: ${(100 * (row.ms || 0)) / longest}%` })))));
}

async function search(event) {
  event.preventDefault();
  const text = $("query").value.trim();
  if (!text) return;
  const endpoint = $("endpoint").value || "/search";
  const limit = Number($("limit").value) || 10;
  say(`Searching ${endpoint}…`);
  $("submit").disabled = true;
  const started = performance.now();
  try {
    const response = await getJson(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: [{ text }], parameters: { limit } }),
    });
    const status = response.header?.status;
    if (status && status.code && status.code !== "SUCCESS" && status.code !== 0) throw new Error(status.description ?? "the flow answered an error");
    const count = showResults(response.data ?? []);
    showTimings(response.routes);
    say(`${count} result${count === 1 ? "" : "s"} in ${Math.round(performance.now() - started)} ms`);
  } catch (error) {
    say(`Search failed: ${error.message}`, true);
  } finally {
    $("submit").disabled = false;
  }
}

/** Lays a mermaid flowchart's edges out left to right in layers (used only when the gateway has no SVG). */
function drawMermaid(text) {
  const labels = new Map();
  const edges = [];
  const node = (token) => {
    const match = token.trim().match(/^([\w/-]+)\s*(?:\[+|\(+|\{+)?\s*"?([^"\]\)\}]*)"?/);
    if (!match) return undefined;
    if (match[2] && !labels.has(match[1])) labels.set(match[1], match[2]);
    if (!labels.has(match[1])) labels.set(match[1], match[1]);
    return match[1];
  };
  for (const line of text.split("\n")) {
    const parts = line.split(/\s*-[-.]+>\s*(?:\|[^|]*\|)?\s*/);
    if (parts.length < 2) continue;
    const nodes = parts.map(node);
    for (let i = 1; i < nodes.length; i++) if (nodes[i - 1] && nodes[i]) edges.push([nodes[i - 1], nodes[i]]);
  }
  if (!edges.length) return undefined;
  const layer = new Map([...labels.keys()].map((id) => [id, 0]));
  for (let pass = 0; pass < labels.size; pass++) for (const [from, to] of edges) layer.set(to, Math.max(layer.get(to), layer.get(from) + 1));
  const columns = [];
  for (const [id, l] of layer) (columns[l] ??= []).push(id);
  const w = 130, h = 46, gapX = 40, gapY = 16;
  const height = Math.max(...columns.map((c) => c.length)) * (h + gapY);
  const at = new Map();
  columns.forEach((ids, l) => ids.forEach((id, i) => at.set(id, { x: l * (w + gapX) + 4, y: (height - ids.length * (h + gapY)) / 2 + i * (h + gapY) + 4 })));
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${columns.length * (w + gapX)} ${height + 8}`);
  const add = (tag, attributes, text) => {
    const child = document.createElementNS(ns, tag);
    for (const [key, value] of Object.entries(attributes)) child.setAttribute(key, value);
    if (text) child.textContent = text;
    svg.append(child);
  };
  for (const [from, to] of edges) {
    const a = at.get(from), b = at.get(to);
    add("line", { x1: a.x + w, y1: a.y + h / 2, x2: b.x, y2: b.y + h / 2, stroke: "#5f6368" });
  }
  for (const [id, { x, y }] of at) {
    add("rect", { x, y, width: w, height: h, rx: 8, fill: "#eef3fd", stroke: "#0b57d0" });
    add("text", { x: x + w / 2, y: y + h / 2 + 4, "text-anchor": "middle", "font-size": 12 }, labels.get(id).slice(0, 20));
  }
  return svg;
}

async function loadGraph() {
  const box = $("graph");
  try {
    const graph = await getJson("/playground/graph");
    if (graph.svg) {
      box.innerHTML = graph.svg;
    } else if (graph.mermaid) {
      box.replaceChildren(drawMermaid(graph.mermaid) ?? element("pre", {}, graph.mermaid));
    } else {
      box.textContent = "This flow handed the gateway no graph.";
    }
  } catch (error) {
    box.textContent = `No graph: ${error.message}`;
  }
}

/** Sums the samples of one metric in a Prometheus text exposition. */
function metricSum(text, name) {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(name) && (line[name.length] === " " || line[name.length] === "{")) sum += Number(line.slice(line.lastIndexOf(" ") + 1)) || 0;
  }
  return sum;
}

let previous;
async function pollMetrics() {
  try {
    const response = await fetch("/playground/metrics");
    if (!response.ok) {
      $("rate").textContent = "monitoring off";
      return false;
    }
    const text = await response.text();
    const now = { at: performance.now(), count: metricSum(text, "jina_receiving_request_seconds_count"), sum: metricSum(text, "jina_receiving_request_seconds_sum") };
    if (previous) {
      const requests = now.count - previous.count;
      $("rate").textContent = ((1000 * requests) / (now.at - previous.at)).toFixed(1);
      $("latency").textContent = requests > 0
        ? `${((1000 * (now.sum - previous.sum)) / requests).toFixed(1)} ms`
        : now.count > 0 ? `${((1000 * now.sum) / now.count).toFixed(1)} ms (all requests)` : "idle";
    }
    $("served").textContent = String(now.count);
    previous = now;
  } catch {
    $("rate").textContent = "unreachable";
  }
  return true;
}

/** Adds up `count` in every executor's `/status` answer (`parameters.__results__`). */
async function loadIndexSize() {
  try {
    const response = await getJson("/post", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ execEndpoint: "/status", data: [] }),
    });
    const results = Object.values(response.parameters?.__results__ ?? {});
    const counts = results.map((result) => Number(result?.count)).filter(Number.isFinite);
    $("index-size").textContent = counts.length ? `${counts.reduce((a, b) => a + b, 0).toLocaleString("en")} documents` : "no /status";
  } catch {
    $("index-size").textContent = "no /status";
  }
}

$("query-form").addEventListener("submit", search);
await Promise.all([loadEndpoints(), loadGraph(), loadIndexSize()]);
if (await pollMetrics()) setInterval(pollMetrics, 2000);
document.body.dataset.ready = "true";
