#include <cmd/cli.hpp>
#include <core/model/snapshot.hpp>
#include <core/netpol/engine.hpp>
#include <core/netpol/matrix.hpp>
#include <core/netpol/query.hpp>
#include <core/netpol/render.hpp>
#include <core/util/error.hpp>

#include <fmt/format.h>

#include <iostream>
#include <memory>

namespace cva::cmd {

namespace {

struct NetpolOptions
{
  std::vector<std::string> inputs;
  std::string from;
  std::string to;
  std::string port;
  std::string output = "text";
  std::string namespace_ = "default";
};

netpol::Target target_or_throw(const netpol::Engine& engine, const std::string& text, std::string_view flag)
{
  auto target = netpol::resolve_target(engine, text);
  if (!target) {
    throw Fatal(fmt::format("{}: {}", flag, target.error().message), k_exit_usage);
  }
  return std::move(*target);
}

int run_netpol(const NetpolOptions& opt)
{
  std::optional<netpol::PortQuery> port;
  if (!opt.port.empty()) {
    auto parsed = netpol::parse_port_query(opt.port);
    if (!parsed) {
      throw Fatal("--port: " + parsed.error().message, k_exit_usage);
    }
    port = *parsed;
  }
  const Snapshot snapshot = load_snapshot(opt.inputs, opt.namespace_);
  const netpol::Engine engine(snapshot);
  // What the answer rests on goes to stderr, so stdout stays one clean document.
  if (const Coverage& c = snapshot.coverage("networkpolicies"); !c.usable()) {
    std::cerr << fmt::format("warning: NetworkPolicies are {} in the input ({}): every connection looks allowed\n",
                             to_string(c.state), c.message.empty() ? "no NetworkPolicy object" : c.message);
  }
  for (const std::string& problem : engine.problems()) {
    std::cerr << fmt::format("warning: skipped {}\n", problem);
  }
  std::optional<netpol::Target> from;
  std::optional<netpol::Target> to;
  if (!opt.from.empty()) {
    from = target_or_throw(engine, opt.from, "--from");
  }
  if (!opt.to.empty()) {
    to = target_or_throw(engine, opt.to, "--to");
  }
  if (from && to) {
    auto answer = netpol::ask(engine, *from, *to, port);
    if (!answer) {
      throw Fatal(answer.error().message, k_exit_usage);
    }
    if (opt.output == "json") {
      std::cout << to_pretty_json(netpol::answer_json(*from, *to, port, *answer));
    } else {
      std::cout << netpol::answer_text(*from, *to, port, *answer);
    }
    std::cout.flush();
    return answer->verdict == netpol::Verdict::allowed ? k_exit_ok : k_exit_findings;
  }
  const netpol::Matrix matrix = netpol::compute_matrix(engine);
  const netpol::MatrixFilter filter{from, to, port};
  if (opt.output == "json") {
    std::cout << to_pretty_json(netpol::matrix_json(engine, matrix, filter));
  } else {
    std::cout << netpol::matrix_text(engine, matrix, filter);
  }
  std::cout.flush();
  return k_exit_ok;
}

} // namespace

void setup_netpol(CLI::App& app, Invocation& inv)
{
  auto opt = std::make_shared<NetpolOptions>();
  CLI::App* sub = app.add_subcommand(
    "netpol", "Answer which pods can reach which under the NetworkPolicies of an archive or of plain manifests");
  sub->add_option("INPUT", opt->inputs,
                  "Our .tar.gz archive, a troubleshoot bundle, a `kubectl cluster-info dump` (directory or output), or YAML/JSON "
                  "manifests (files, directories or - for stdin), to check policies before they are applied")
    ->required();
  sub->add_option("--from", opt->from, "Source: NAMESPACE/POD, NAMESPACE/SERVICE, NAMESPACE/WORKLOAD, an address or a CIDR");
  sub->add_option("--to", opt->to, "Destination: NAMESPACE/POD, NAMESPACE/SERVICE, NAMESPACE/WORKLOAD, an address or a CIDR");
  sub->add_option("--port", opt->port, "Port as N or N/PROTOCOL (TCP, UDP, SCTP; TCP by default); for a Service, its port");
  sub->add_option("-o,--output", opt->output, "Output format")
    ->check(CLI::IsMember({"text", "json"}))
    ->default_str("text");
  sub->add_option("-n,--namespace", opt->namespace_, "Namespace for manifests that name none")->default_str("default");
  sub->footer("With --from and --to, answers one question and names the deciding policies; exit 0 when the "
              "connection is allowed, 3 when it is denied, allowed only in part, or undecidable. Without them, prints "
              "every allowed connection (filtered by --from, --to or --port when given) and exits 0. 1 runtime "
              "error, 2 usage error.\n\nExamples:\n  " +
              inv.program + " netpol bundle.tar.gz --from coder-workspaces/ws-1 --to coder/coder --port 80\n  " +
              inv.program + " netpol bundle.tar.gz --from coder/coder-7c9d8f6b4-x2x9k --to 0.0.0.0/0 --port 443\n  " +
              inv.program + " netpol policies/ cluster-manifests/ -o json\n  " + inv.program +
              " netpol bundle.tar.gz --to kube-system/kube-dns --port 53/UDP");
  sub->callback([opt, &inv] { inv.exit_code = run_netpol(*opt); });
}

} // namespace cva::cmd
