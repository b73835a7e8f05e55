#include "formats.hpp"

#include "render.hpp"

#include <algorithm>
#include <stdexcept>

namespace cva {

bool is_report_format(std::string_view format)
{
  return std::find(std::begin(k_report_formats), std::end(k_report_formats), format) !=
         std::end(k_report_formats);
}

std::string render_report(std::string_view format, const Report& report, const Snapshot& snapshot,
                          const RenderOptions& options)
{
  if (format == "text") {
    return render_text(report, TextOptions{options.color});
  }
  if (format == "json") {
    return render_json(report);
  }
  if (format == "yaml") {
    return render_yaml(report);
  }
  if (format == "markdown") {
    return render_markdown(report);
  }
  if (format == "html") {
    return render_html(report, snapshot);
  }
  if (format == "sarif") {
    return render_sarif(report);
  }
  if (format == "junit") {
    return render_junit(report, options.fail_on);
  }
  throw std::invalid_argument("unknown report format " + std::string(format));
}

} // namespace cva
