#include "formats.hpp"

#include <fmt/format.h>

namespace cva {

namespace {

std::string_view troubleshoot_severity(Outcome o)
{
  switch (o) {
    case Outcome::fail:
      return "error";
    case Outcome::warn:
      return "warn";
    case Outcome::unknown:
    case Outcome::info:
      return "info";
    case Outcome::pass:
      return "debug";
  }
  return "info";
}

} // namespace

Json report_to_analysis(const Report& report)
{
  Json out = Json::array();
  int position = 0;
  for (const CheckResult& c : report.checks) {
    ++position;
    std::string detail;
    const Finding* involved = nullptr;
    for (const Finding& f : c.findings) {
      if (f.outcome != c.outcome) {
        continue;
      }
      detail += (detail.empty() ? "" : "\n") + f.message;
      if (involved == nullptr && !f.objects.empty()) {
        involved = &f;
      }
    }
    if (detail.empty()) {
      detail = std::string(c.info->title);
    }
    const std::string_view severity = troubleshoot_severity(c.outcome);
    const std::string name = fmt::format("coder-cva.{}", c.info->id);
    Json labels{{"desiredPosition", std::to_string(position)},
                {"iconKey", ""},
                {"outcome", to_string(c.outcome)},
                {"area", c.info->area},
                {"checkId", c.info->id},
                {"docUrl", c.info->doc_url}};
    Json entry{{"name", name},
               {"labels", labels},
               {"insight",
                {{"name", name},
                 {"labels", {{"iconKey", ""}}},
                 {"primary", c.info->title},
                 {"detail", detail},
                 {"severity", severity}}},
               {"severity", severity},
               {"analyzerSpec", ""},
               {"variables", Json::object()}};
    if (c.outcome == Outcome::fail) {
      entry["error"] = detail;
    }
    if (involved != nullptr) {
      const ObjectRef& o = involved->objects.front();
      Json ref{{"kind", o.kind}, {"name", o.name}};
      if (!o.namespace_.empty()) {
        ref["namespace"] = o.namespace_;
      }
      entry["involvedObject"] = std::move(ref);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

std::string render_analysis_json(const Report& report)
{
  return report_to_analysis(report).dump(4, ' ', false, Json::error_handler_t::replace) + "\n";
}

} // namespace cva
