// `coder support bundle` zips: given with --coder-bundle, or made by running the coder CLI with
// --coder-support-bundle [WORKSPACE]. Each is checked to be a zip of Coder's layout, redacted file
// by file (binary files such as the template's zip and pprof profiles are left out: they cannot be
// redacted), and unpacked under coder/support-bundle/.
#include <core/bundle/archive.hpp>
#include <core/bundle/input.hpp>
#include <core/bundle/paths.hpp>
#include <core/collect/context.hpp>
#include <core/kube/process.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace {

using namespace cva;

bool is_text_file(const std::string& path)
{
  for (const char* ext : {".json", ".txt", ".html", ".log", ".yaml", ".md", ".prom"}) {
    if (path.ends_with(ext)) {
      return true;
    }
  }
  return false;
}

Result<int> add_zip(CollectContext& context, const std::string& zip_path, int slot)
{
  CVA_TRY_ASSIGN(bundle, read_archive_file(zip_path));
  if (!looks_like_coder_support(bundle)) {
    strip_single_top_dir(bundle);
  }
  if (!looks_like_coder_support(bundle)) {
    return fail(fmt::format("{}: not a Coder support bundle (no deployment/, agent/ or network/ files)", zip_path));
  }
  const std::string prefix = slot == 1 ? std::string(paths::k_coder_support) : fmt::format("{}-{}", paths::k_coder_support, slot);
  int files = 0;
  std::vector<std::string> dropped;
  for (const auto& [path, bytes] : bundle.files()) {
    const std::string target = fmt::format("{}/{}", prefix, path);
    if (!is_text_file(path)) {
      dropped.push_back(path);
      continue;
    }
    if (path.ends_with(".json")) {
      if (auto doc = parse_json(bytes, path)) {
        context.put_json(target, std::move(*doc));
        ++files;
        continue;
      }
    }
    context.put_text(target, bytes);
    ++files;
  }
  if (!dropped.empty()) {
    context.record_coverage(fmt::format("{}/binary-files", prefix), "absent",
                            fmt::format("left out because they cannot be redacted: {}", fmt::join(dropped, ", ")));
  }
  return files;
}

std::string run(CollectContext& context)
{
  const CollectOptions& o = context.options();
  int slot = 1;
  int added = 0;
  for (const std::string& zip : o.coder_bundles) {
    auto r = add_zip(context, zip, slot);
    if (!r) {
      context.record_coverage(fmt::format("coder/support-bundle/{}", zip), "failed", r.error().message);
      continue;
    }
    ++slot;
    ++added;
  }
  if (o.coder_support_workspace) {
    if (!program_exists(o.coder_cli)) {
      context.record_coverage("coder/support-bundle/run", "failed",
                              fmt::format("--coder-support-bundle needs the coder CLI ('{}' is not on PATH)", o.coder_cli));
    } else {
      char dir_template[] = "/tmp/coder-cva-support-XXXXXX";
      if (::mkdtemp(dir_template) != nullptr) {
        const std::string zip = std::string(dir_template) + "/bundle.zip";
        std::vector<std::string> argv{o.coder_cli, "support", "bundle", "--yes", "--output-file", zip};
        if (!o.coder_support_workspace->empty()) {
          argv.push_back(*o.coder_support_workspace);
        }
        auto r = run_process(argv, std::min<std::chrono::milliseconds>(o.timeout, std::chrono::minutes(3)));
        if (!r || r->exit_code != 0) {
          std::string last_line;
          if (r) {
            // Redact the whole of stderr first: a rule may need the line before (a YAML env pair).
            std::string err = context.redact(r->err);
            while (!err.empty() && (err.back() == '\n' || err.back() == '\r')) {
              err.pop_back();
            }
            last_line = err.substr(err.find_last_of('\n') == std::string::npos ? 0 : err.find_last_of('\n') + 1);
          }
          const std::string why = !r ? r.error().message
                                  : r->timed_out ? std::string("timed out")
                                                 : fmt::format("exit {}: {}", r->exit_code, last_line);
          context.record_coverage("coder/support-bundle/run", "failed", fmt::format("`coder support bundle` failed: {}", why));
        } else if (auto added_zip = add_zip(context, zip, slot); !added_zip) {
          context.record_coverage("coder/support-bundle/run", "failed", added_zip.error().message);
        } else {
          ++added;
        }
        std::error_code ec;
        std::filesystem::remove_all(dir_template, ec);
      }
    }
  }
  const std::size_t asked = o.coder_bundles.size() + (o.coder_support_workspace ? 1 : 0);
  if (asked == 0) {
    return "none asked for";
  }
  return fmt::format("{} of {} Coder support bundle(s) added", added, asked);
}

} // namespace

CVA_REGISTER_COLLECTOR({
  .id = "coder-support-bundle",
  .description = "Coder support bundle zips (given, or made with the coder CLI), redacted and unpacked.",
  .phase = 2,
  .order = 3,
  .outputs = {"coder/support-bundle/..."},
  .run = &run,
});
