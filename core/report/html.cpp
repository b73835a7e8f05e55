#include "common.hpp"
#include "formats.hpp"

#include <core/model/snapshot.hpp>

#include <fmt/format.h>

#include <iterator>
#include <map>
#include <set>

namespace cva {

namespace {

// Nothing may load: no script, no font, no image, no frame, no form target. Styles are inline.
constexpr std::string_view k_csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                   "base-uri 'none'; form-action 'none'";

constexpr std::string_view k_css = R"css(
:root { --fail:#b42318; --warn:#b54708; --unknown:#6941c6; --info:#175cd3; --pass:#067647;
  --line:#d0d5dd; --muted:#475467; --bg:#f9fafb; --coderd:#1849a9; --provisioner:#7a2e0e;
  --workspace:#027a48; --postgres:#6927da; --proxy:#0e7090; --other:#667085; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color:#101828; margin:0 auto; max-width:1200px; padding:24px; }
h1 { font-size:24px; margin:0 0 8px; }
h2 { font-size:19px; margin:32px 0 10px; padding-bottom:4px; border-bottom:2px solid var(--line); }
h3 { font-size:16px; margin:20px 0 8px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:12.5px;
  background:#f2f4f7; padding:1px 4px; border-radius:3px; overflow-wrap:anywhere; }
a { color:#175cd3; }
table { border-collapse:collapse; width:100%; margin:8px 0; }
th, td { border:1px solid var(--line); padding:5px 8px; text-align:left; vertical-align:top; }
th { background:var(--bg); font-weight:600; }
td.n, th.n { text-align:right; font-variant-numeric:tabular-nums; }
td.zero { color:#98a2b3; }
.meta { color:var(--muted); margin:0; }
.meta dt { display:inline; font-weight:600; }
.meta dd { display:inline; margin:0 14px 0 4px; }
nav ul { list-style:none; padding:0; margin:12px 0 0; display:flex; flex-wrap:wrap; gap:12px; }
.badge { display:inline-block; min-width:64px; text-align:center; font-weight:700; font-size:11.5px;
  letter-spacing:.04em; color:#fff; border-radius:10px; padding:1px 8px; }
.o-fail { background:var(--fail); } .o-warn { background:var(--warn); }
.o-unknown { background:var(--unknown); } .o-info { background:var(--info); } .o-pass { background:var(--pass); }
.totals { display:flex; flex-wrap:wrap; gap:10px; margin:14px 0; }
.total { border:1px solid var(--line); border-radius:8px; padding:8px 14px; min-width:110px; }
.total b { display:block; font-size:22px; }
.legend { display:flex; flex-wrap:wrap; gap:12px; margin:6px 0 12px; color:var(--muted); }
.group { border:1px solid var(--line); border-left:6px solid var(--other); border-radius:6px;
  margin:12px 0; padding:10px 12px; break-inside:avoid; }
.group.a-autoscaled { border-left-color:var(--info); }
.group.a-fixed { border-left-color:#344054; }
.group.a-unknown, .group.a-mixed { border-left-color:var(--unknown); }
.scale { font-size:11.5px; font-weight:700; color:#fff; border-radius:4px; padding:1px 6px; vertical-align:middle; }
.scale.a-autoscaled { background:var(--info); } .scale.a-fixed { background:#344054; }
.scale.a-unknown, .scale.a-mixed { background:var(--unknown); }
.group h3 { margin:0 0 2px; }
.group .why { color:var(--muted); margin:0 0 8px; }
.zones { display:flex; flex-wrap:wrap; gap:10px; }
.zone { flex:1 1 300px; background:var(--bg); border:1px dashed var(--line); border-radius:6px; padding:8px; }
.zone h4 { margin:0 0 6px; font-size:13px; color:var(--muted); }
.node { background:#fff; border:1px solid var(--line); border-radius:6px; padding:6px 8px; margin:6px 0;
  break-inside:avoid; }
.node .name { font-weight:600; overflow-wrap:anywhere; }
.node .facts { color:var(--muted); font-size:12.5px; }
.node.notready { border-color:var(--fail); }
.chips { display:flex; flex-wrap:wrap; gap:4px; margin-top:4px; }
.chip { border-radius:4px; padding:1px 6px; font-size:12px; color:#fff; }
.chip.r-coderd { background:var(--coderd); } .chip.r-provisioner { background:var(--provisioner); }
.chip.r-workspace { background:var(--workspace); } .chip.r-postgres { background:var(--postgres); }
.chip.r-workspace-proxy { background:var(--proxy); } .chip.r-other { background:var(--other); }
.pods { font-size:12px; color:var(--muted); margin:3px 0 0; overflow-wrap:anywhere; }
.check { border:1px solid var(--line); border-radius:6px; padding:8px 12px; margin:10px 0; break-inside:avoid; }
.check.pass { padding:4px 12px; }
.check h4 { margin:0; font-size:14px; }
.check .desc { color:var(--muted); margin:4px 0; }
.check ul.findings { margin:6px 0; padding-left:18px; }
.check ul.findings li { margin:4px 0; }
.evidence { margin:4px 0 0; font-size:12.5px; }
.evidence td { padding:2px 6px; }
.fix { margin:6px 0 0; padding:6px 10px; background:#fffaeb; border-left:3px solid var(--warn); }
.empty { color:var(--muted); font-style:italic; }
footer { margin-top:40px; color:var(--muted); font-size:12px; }
@media print {
  body { padding:0; max-width:none; font-size:11px; }
  nav { display:none; }
  .badge, .chip, .group, .scale { -webkit-print-color-adjust:exact; print-color-adjust:exact; }
  h2 { break-after:avoid; }
  a { color:inherit; text-decoration:none; }
}
)css";

constexpr CoderRole k_drawn_roles[] = {CoderRole::coderd, CoderRole::workspace_proxy, CoderRole::provisioner,
                                       CoderRole::workspace, CoderRole::postgres};

std::string_view role_label(CoderRole role)
{
  switch (role) {
    case CoderRole::coderd:
      return "coderd";
    case CoderRole::workspace_proxy:
      return "workspace proxy";
    case CoderRole::provisioner:
      return "provisioner";
    case CoderRole::workspace:
      return "workspace";
    case CoderRole::postgres:
      return "PostgreSQL";
    case CoderRole::none:
      return "other";
  }
  return "other";
}

std::string_view role_class(CoderRole role)
{
  return role == CoderRole::none ? "other" : to_string(role);
}

std::string badge(Outcome o)
{
  return fmt::format(R"(<span class="badge o-{}">{}</span>)", to_string(o), outcome_label(o));
}

// Trusted registry text (remediation) may carry `code` spans; escape first, then mark them up.
std::string with_code_spans(std::string_view text)
{
  const std::string escaped = markup_escape(text);
  std::string out;
  bool open = false;
  for (const char c : escaped) {
    if (c == '`') {
      out += open ? "</code>" : "<code>";
      open = !open;
    } else {
      out += c;
    }
  }
  if (open) {
    out += "</code>";
  }
  return out;
}

// Only absolute http(s) links become anchors; anything else is shown as text.
std::string link(std::string_view url, std::string_view text)
{
  if (!url.starts_with("https://") && !url.starts_with("http://")) {
    return markup_escape(text);
  }
  return fmt::format(R"(<a href="{}" rel="noreferrer noopener">{}</a>)", markup_escape(url), markup_escape(text));
}

void append_header(std::string& out, const Report& report)
{
  const auto s = report.summary();
  std::string origins;
  for (const std::string& o : report.origins) {
    origins += (origins.empty() ? "" : ", ") + o;
  }
  fmt::format_to(std::back_inserter(out),
                 "<header>\n<h1>Coder validated architecture report {}</h1>\n<dl class=\"meta\">"
                 "<dt>Input</dt><dd><code>{}</code> ({})</dd>",
                 badge(report.worst()), markup_escape(origins), markup_escape(report.input_format));
  if (!report.collected_at.empty()) {
    fmt::format_to(std::back_inserter(out), "<dt>Collected</dt><dd>{}</dd>", markup_escape(report.collected_at));
  }
  if (!report.server_version.empty()) {
    fmt::format_to(std::back_inserter(out), "<dt>Kubernetes</dt><dd>{}</dd>", markup_escape(report.server_version));
  }
  fmt::format_to(std::back_inserter(out), "<dt>Tool</dt><dd>kubectl coder-cva {}</dd></dl>\n<div class=\"totals\">",
                 markup_escape(report.tool_version));
  for (const Outcome o : {Outcome::fail, Outcome::warn, Outcome::unknown, Outcome::info, Outcome::pass}) {
    fmt::format_to(std::back_inserter(out), R"(<div class="total"><b>{}</b>{} checks</div>)", s.at(o), badge(o));
  }
  out += "</div>\n<nav><ul><li><a href=\"#summary\">Summary</a></li><li><a href=\"#nodes\">Nodes</a></li>"
         "<li><a href=\"#network\">Network paths</a></li><li><a href=\"#sizing\">Sizing</a></li>"
         "<li><a href=\"#findings\">Findings</a></li><li><a href=\"#coverage\">Coverage</a></li></ul></nav>\n"
         "</header>\n";
}

void append_summary(std::string& out, const Report& report)
{
  out += "<section id=\"summary\">\n<h2>Summary by area</h2>\n<table>\n<thead><tr><th>Area</th><th>Result</th>"
         "<th class=\"n\">Fail</th><th class=\"n\">Warn</th><th class=\"n\">Unknown</th><th class=\"n\">Info</th>"
         "<th class=\"n\">Pass</th></tr></thead>\n<tbody>\n";
  for (const AreaSummary& a : summarize_areas(report)) {
    fmt::format_to(std::back_inserter(out), "<tr><td><a href=\"#area-{0}\">{0}</a></td><td>{1}</td>", a.area,
                   badge(a.worst));
    for (const Outcome o : {Outcome::fail, Outcome::warn, Outcome::unknown, Outcome::info, Outcome::pass}) {
      const int n = a.counts.at(o);
      fmt::format_to(std::back_inserter(out), "<td class=\"n{}\">{}</td>", n == 0 ? " zero" : "", n);
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n</section>\n";
}

std::string_view scale_label(std::string_view state)
{
  if (state == "autoscaled") {
    return "autoscaled";
  }
  if (state == "fixed") {
    return "fixed size";
  }
  return state == "mixed" ? "mixed scaling" : "scaling unknown";
}

struct GroupView
{
  std::string name;
  std::map<std::string, std::vector<const Node*>> zones;
  std::set<std::string> states;
  std::set<std::string> reasons;
  std::map<CoderRole, int> roles;
};

// Role chips for `pods`, with the names of control-plane and database pods (few) and only the
// count of workspaces (possibly thousands).
std::string role_chips(const std::vector<const Pod*>& pods)
{
  std::map<CoderRole, std::vector<const Pod*>> by_role;
  for (const Pod* p : pods) {
    by_role[p->role].push_back(p);
  }
  std::string chips;
  std::string names;
  for (const CoderRole role : k_drawn_roles) {
    const auto it = by_role.find(role);
    if (it == by_role.end()) {
      continue;
    }
    fmt::format_to(std::back_inserter(chips), R"(<span class="chip r-{}">{} &times;{}</span>)", role_class(role),
                   role_label(role), it->second.size());
    if (role != CoderRole::workspace) {
      for (const Pod* p : it->second) {
        names += (names.empty() ? "" : ", ") + markup_escape(p->meta.namespace_ + "/" + p->meta.name);
      }
    }
  }
  if (const auto it = by_role.find(CoderRole::none); it != by_role.end()) {
    fmt::format_to(std::back_inserter(chips), R"(<span class="chip r-other">other &times;{}</span>)",
                   it->second.size());
  }
  std::string out;
  if (!chips.empty()) {
    out += "<div class=\"chips\">" + chips + "</div>";
  }
  if (!names.empty()) {
    out += "<p class=\"pods\">" + names + "</p>";
  }
  return out;
}

std::string node_card(const Snapshot& snapshot, const Node& node)
{
  std::vector<std::string> facts;
  if (!node.instance_type.empty()) {
    facts.push_back(markup_escape(node.instance_type));
  }
  if (node.cpu_capacity) {
    facts.push_back(markup_escape(node.cpu_capacity->to_cpu_string()) + " CPU");
  }
  if (node.memory_capacity) {
    facts.push_back(markup_escape(node.memory_capacity->to_binary_string()) + " memory");
  }
  for (const std::string& r : node.roles) {
    facts.push_back("role " + markup_escape(r));
  }
  if (!node.taints.empty()) {
    facts.push_back(fmt::format("{} taint{}", node.taints.size(), node.taints.size() == 1 ? "" : "s"));
  }
  facts.push_back(node.ready ? "Ready" : "<strong>NotReady</strong>");
  if (node.unschedulable) {
    facts.push_back("<strong>cordoned</strong>");
  }
  std::string joined;
  for (const std::string& f : facts) {
    joined += (joined.empty() ? "" : " &middot; ") + f;
  }
  return fmt::format("<div class=\"node{}\"><div class=\"name\">{}</div><div class=\"facts\">{}</div>{}</div>\n",
                     node.ready ? "" : " notready", markup_escape(node.meta.name), joined,
                     role_chips(snapshot.pods_on_node(node.meta.name)));
}

void append_nodes(std::string& out, const Report& report, const Snapshot& snapshot)
{
  out += "<section id=\"nodes\">\n<h2>Where Coder runs: nodes by node group and zone</h2>\n"
         "<p class=\"legend\">";
  for (const CoderRole role : k_drawn_roles) {
    fmt::format_to(std::back_inserter(out), R"(<span class="chip r-{}">{}</span>)", role_class(role),
                   role_label(role));
  }
  out += "<span class=\"chip r-other\">other pods</span> Node groups: <span class=\"scale a-autoscaled\">autoscaled"
         "</span> <span class=\"scale a-fixed\">fixed size</span> <span class=\"scale a-unknown\">scaling unknown</span>"
         "</p>\n";
  const Coverage& nodes_cov = snapshot.coverage("nodes");
  const Coverage& pods_cov = snapshot.coverage("pods");
  if (!pods_cov.usable()) {
    fmt::format_to(std::back_inserter(out), "<p class=\"empty\">Pods were {} ({}): where Coder runs is unknown.</p>\n",
                   to_string(pods_cov.state), markup_escape(pods_cov.message));
  }
  if (snapshot.nodes.empty()) {
    fmt::format_to(std::back_inserter(out), "<p class=\"empty\">No nodes in the input (nodes {}{}).</p>\n",
                   to_string(nodes_cov.state), nodes_cov.message.empty() ? "" : ": " + markup_escape(nodes_cov.message));
  }
  std::map<std::string, GroupView> groups;
  for (const Node& node : snapshot.nodes) {
    const std::string name = node.group.empty() ? std::string("(no node-group label)") : node.group;
    GroupView& g = groups[name];
    g.name = name;
    g.zones[node.zone.empty() ? std::string("(no zone label)") : node.zone].push_back(&node);
    g.states.insert(std::string(to_string(node.autoscaling)));
    if (!node.autoscaling_reason.empty()) {
      g.reasons.insert(node.autoscaling_reason);
    }
    for (const Pod* p : snapshot.pods_on_node(node.meta.name)) {
      ++g.roles[p->role];
    }
  }
  for (const auto& [name, g] : groups) {
    const std::string state = g.states.size() == 1 ? *g.states.begin() : std::string("mixed");
    std::size_t node_count = 0;
    for (const auto& [zone, nodes] : g.zones) {
      node_count += nodes.size();
    }
    std::string roles;
    for (const CoderRole role : k_drawn_roles) {
      if (const auto it = g.roles.find(role); it != g.roles.end()) {
        roles += fmt::format("{}{} {}", roles.empty() ? "" : ", ", it->second, role_label(role));
      }
    }
    std::string reasons;
    for (const std::string& r : g.reasons) {
      reasons += (reasons.empty() ? "" : "; ") + markup_escape(r);
    }
    fmt::format_to(std::back_inserter(out),
                   "<div class=\"group a-{0}\">\n<h3>Node group {1} <span class=\"scale a-{0}\">{2}</span> <small>({3} "
                   "node{4}, {5} zone{6}, {7})</small></h3>\n<p class=\"why\">Scaling: <b>{8}</b>{9}{10}</p>\n"
                   "<div class=\"zones\">\n",
                   state, markup_escape(name), scale_label(state), node_count, node_count == 1 ? "" : "s", g.zones.size(),
                   g.zones.size() == 1 ? "" : "s", roles.empty() ? std::string("no Coder pods") : roles, state,
                   reasons.empty() ? "" : ": ", reasons);
    for (const auto& [zone, nodes] : g.zones) {
      fmt::format_to(std::back_inserter(out), "<div class=\"zone\"><h4>Zone {}</h4>\n", markup_escape(zone));
      for (const Node* node : nodes) {
        out += node_card(snapshot, *node);
      }
      out += "</div>\n";
    }
    out += "</div>\n</div>\n";
  }
  std::vector<const Pod*> elsewhere;
  for (const Pod& p : snapshot.pods) {
    if (p.role != CoderRole::none && (p.node_name.empty() || snapshot.find_node(p.node_name) == nullptr)) {
      elsewhere.push_back(&p);
    }
  }
  if (!elsewhere.empty()) {
    out += "<div class=\"group a-unknown\">\n<h3>Coder pods not on a node in the input</h3>\n<p class=\"why\">Not "
           "scheduled yet, synthesized from manifests, or on nodes that were not collected.</p>\n" +
           role_chips(elsewhere) + "\n</div>\n";
  }
  if (pods_cov.usable()) {
    bool postgres_in_cluster = false;
    for (const Pod& p : snapshot.pods) {
      postgres_in_cluster = postgres_in_cluster || p.role == CoderRole::postgres;
    }
    if (!postgres_in_cluster) {
      out += "<p>PostgreSQL: no database pod in the cluster (an external database, or one this tool could not "
             "identify)";
      out += checks_in_area(report, "database").empty() ? std::string(".</p>\n")
                                                        : "; see the <a href=\"#area-database\">database checks</a>.</p>\n";
    }
  }
  out += "</section>\n";
}

// The checks of `area` as a table: one row per check with its verdict and what it found.
void append_check_table(std::string& out, const Report& report, std::string_view area, std::string_view first_column)
{
  const std::vector<const CheckResult*> in_area = checks_in_area(report, area);
  if (in_area.empty()) {
    fmt::format_to(std::back_inserter(out), "<p class=\"empty\">No {} check ran on this input.</p>\n", area);
    return;
  }
  fmt::format_to(std::back_inserter(out),
                 "<table>\n<thead><tr><th>{}</th><th>Verdict</th><th>What was seen</th></tr></thead>\n<tbody>\n",
                 first_column);
  for (const CheckResult* c : in_area) {
    std::string seen;
    for (const Finding& f : c->findings) {
      if (f.outcome == c->outcome) {
        seen += "<div>" + markup_escape(f.message) + "</div>";
      }
    }
    fmt::format_to(std::back_inserter(out),
                   "<tr><td><a href=\"#check-{0}\">{1}</a><br><code>{0}</code></td><td>{2}</td><td>{3}</td></tr>\n",
                   c->info->id, markup_escape(c->info->title), badge(c->outcome), seen);
  }
  out += "</tbody>\n</table>\n";
}

std::string finding_item(const Finding& f)
{
  std::string out = "<li>" + badge(f.outcome) + " " + markup_escape(f.message);
  if (!f.objects.empty()) {
    std::string objects;
    for (const ObjectRef& o : f.objects) {
      objects += (objects.empty() ? "" : ", ") + ("<code>" + markup_escape(object_text(o)) + "</code>");
    }
    out += "<div class=\"evidence\">Objects: " + objects + "</div>";
  }
  if (!f.evidence.empty()) {
    out += "<table class=\"evidence\"><thead><tr><th>Evidence: bundle path</th><th>JSON pointer</th><th>Value</th>"
           "</tr></thead><tbody>";
    for (const Evidence& e : f.evidence) {
      fmt::format_to(std::back_inserter(out), "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
                     markup_escape(e.path), markup_escape(e.pointer),
                     e.value.empty() ? std::string() : "<code>" + markup_escape(e.value) + "</code>");
    }
    out += "</tbody></table>";
  }
  return out + "</li>\n";
}

void append_findings(std::string& out, const Report& report)
{
  out += "<section id=\"findings\">\n<h2>Every check and finding</h2>\n";
  for (const std::string_view area : k_areas) {
    const std::vector<const CheckResult*> in_area = checks_in_area(report, area);
    if (in_area.empty()) {
      continue;
    }
    fmt::format_to(std::back_inserter(out), "<h3 id=\"area-{0}\">{0}</h3>\n", area);
    for (const CheckResult* c : in_area) {
      const bool pass = c->outcome == Outcome::pass;
      fmt::format_to(std::back_inserter(out),
                     "<article class=\"check{}\" id=\"check-{}\">\n<h4>{} <code>{}</code> {}</h4>\n", pass ? " pass" : "",
                     c->info->id, badge(c->outcome), c->info->id, markup_escape(c->info->title));
      if (pass) {
        for (const Finding& f : c->findings) {
          out += "<p class=\"desc\">" + markup_escape(f.message) + "</p>\n";
        }
        out += "</article>\n";
        continue;
      }
      out += "<p class=\"desc\">" + markup_escape(c->info->description) + "</p>\n<ul class=\"findings\">\n";
      for (const Finding& f : c->findings) {
        if (f.outcome != Outcome::pass) {
          out += finding_item(f);
        }
      }
      out += "</ul>\n";
      if (c->outcome == Outcome::warn || c->outcome == Outcome::fail) {
        out += "<p class=\"fix\"><b>How to fix:</b> " + with_code_spans(c->info->remediation) + "</p>\n";
      }
      out += "<p class=\"desc\">Documentation: " + link(c->info->doc_url, c->info->doc_url) + "</p>\n</article>\n";
    }
  }
  out += "</section>\n";
}

void append_coverage(std::string& out, const Report& report)
{
  out += "<section id=\"coverage\">\n<h2>Coverage of the inputs the checks needed</h2>\n";
  if (report.coverage.empty()) {
    out += "<p class=\"empty\">No check declared an input.</p>\n</section>\n";
    return;
  }
  out += "<table>\n<thead><tr><th>Input</th><th>State</th><th>Why</th></tr></thead>\n<tbody>\n";
  for (const auto& [input, state] : report.coverage) {
    fmt::format_to(std::back_inserter(out), "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>\n",
                   markup_escape(input), markup_escape(state.first), markup_escape(state.second));
  }
  out += "</tbody>\n</table>\n</section>\n";
}

} // namespace

std::string render_html(const Report& report, const Snapshot& snapshot)
{
  std::string origins;
  for (const std::string& o : report.origins) {
    origins += (origins.empty() ? "" : ", ") + o;
  }
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  fmt::format_to(std::back_inserter(out),
                 "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n"
                 "<meta name=\"referrer\" content=\"no-referrer\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 "<title>{}: Coder validated architecture report ({})</title>\n<style>{}</style>\n</head>\n<body>\n",
                 k_csp, outcome_label(report.worst()), markup_escape(origins), k_css);
  append_header(out, report);
  out += "<main>\n";
  append_summary(out, report);
  append_nodes(out, report, snapshot);
  out += "<section id=\"network\">\n<h2>Network paths of the validated architecture</h2>\n";
  append_check_table(out, report, "network", "Path");
  out += "</section>\n<section id=\"sizing\">\n<h2>Sizing against the reference tier</h2>\n";
  append_check_table(out, report, "sizing", "Component");
  out += "</section>\n";
  append_findings(out, report);
  append_coverage(out, report);
  fmt::format_to(std::back_inserter(out),
                 "</main>\n<footer>Generated by kubectl coder-cva {} from {}. This page loads nothing from the "
                 "network.</footer>\n</body>\n</html>\n",
                 markup_escape(report.tool_version), markup_escape(origins));
  return out;
}

} // namespace cva
