#include <cmd/cli.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>

namespace cva::cmd {

namespace {

// Cobra's ShellCompDirective bits, which kubectl's plugin completion and our scripts read.
constexpr int k_directive_error = 1;
constexpr int k_directive_no_space = 2;
constexpr int k_directive_no_file = 4;

constexpr std::string_view k_bash_script = R"sh(# bash completion for kubectl-coder_cva (from `kubectl-coder_cva completion bash`).
# For `kubectl coder-cva <TAB>` use `kubectl coder-cva completion kubectl` instead.
_kubectl_coder_cva()
{
  local line="${COMP_LINE:0:COMP_POINT}"
  local -a words
  read -r -a words <<<"$line"
  if [[ "$line" =~ [[:space:]]$ ]]; then
    words+=("")
  fi
  ((${#words[@]} >= 2)) || return 0
  local cur="${words[${#words[@]}-1]}"
  local out
  out=$("${words[0]}" __complete "${words[@]:1}" 2>/dev/null) || return 0
  local directive="${out##*$'\n'}"
  if [[ "$out" == *$'\n'* ]]; then out="${out%$'\n'*}"; else out=""; fi
  directive="${directive#:}"
  [[ "$directive" =~ ^[0-9]+$ ]] || directive=0
  ((directive & 1)) && return 0
  # bash replaces only the part of the word after its last = or : (COMP_WORDBREAKS).
  local prefix=""
  if [[ "$cur" == *[=:]* ]]; then prefix="${cur%"${cur##*[=:]}"}"; fi
  COMPREPLY=()
  local c
  while IFS= read -r c; do
    c="${c%%$'\t'*}"
    [[ -n "$c" && "$c" == "$cur"* ]] || continue
    COMPREPLY+=("${c#"$prefix"}")
  done <<<"$out"
  ((directive & 2)) && compopt -o nospace 2>/dev/null
  ((directive & 4)) && compopt +o default 2>/dev/null
  return 0
}
complete -o default -F _kubectl_coder_cva kubectl-coder_cva
)sh";

constexpr std::string_view k_zsh_script = R"sh(#compdef kubectl-coder_cva
# zsh completion for kubectl-coder_cva (from `kubectl-coder_cva completion zsh`).
_kubectl_coder_cva()
{
  local out directive line
  local -a lines candidates displays nospace
  out=$("${words[1]}" __complete "${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
  lines=("${(@f)out}")
  directive="${lines[-1]#:}"
  lines=("${(@)lines[1,-2]}")
  [[ "$directive" == <-> ]] || directive=0
  (( directive & 1 )) && return 1
  for line in "${lines[@]}"; do
    [[ -n "$line" ]] || continue
    candidates+=("${line%%$'\t'*}")
    if [[ "$line" == *$'\t'* ]]; then
      displays+=("${line%%$'\t'*}  -- ${line#*$'\t'}")
    else
      displays+=("$line")
    fi
  done
  (( directive & 2 )) && nospace=(-S '')
  if (( ${#candidates} )); then
    compadd -l "${nospace[@]}" -d displays -a candidates
    return 0
  fi
  (( directive & 4 )) || _files
}
if (( $+functions[compdef] )); then
  compdef _kubectl_coder_cva kubectl-coder_cva
fi
)sh";

constexpr std::string_view k_fish_script = R"sh(# fish completion for kubectl-coder_cva (from `kubectl-coder_cva completion fish`).
function __kubectl_coder_cva_complete
    set -l args (commandline -opc)
    set -l prog $args[1]
    set -e args[1]
    set -l current (commandline -ct)
    set -l out ($prog __complete $args $current 2>/dev/null)
    or return
    set -l directive (string replace -r '^:' '' -- $out[-1])
    set -e out[-1]
    string match -qr '^[0-9]+$' -- $directive; or set directive 0
    test (math "bitand($directive, 1)") -eq 0; or return
    set -l found 0
    for line in $out
        test -n "$line"; or continue
        printf '%s\n' $line
        set found 1
    end
    if test $found -eq 0; and test (math "bitand($directive, 4)") -eq 0
        __fish_complete_path $current
    end
end
complete -c kubectl-coder_cva -f -a '(__kubectl_coder_cva_complete)'
)sh";

constexpr std::string_view k_kubectl_shim = R"sh(#!/bin/sh
# kubectl (1.26 or newer) runs this for `kubectl coder-cva <TAB>`; from `kubectl coder-cva completion kubectl`.
exec kubectl-coder_cva __complete "$@"
)sh";

bool is_hidden(const CLI::App* app)
{
  return app->get_group().empty();
}

bool takes_value(const CLI::Option* option)
{
  return option->get_type_size_max() > 0;
}

// The first line of `text`, for a candidate's description.
std::string first_line(const std::string& text)
{
  return text.substr(0, text.find('\n'));
}

const CLI::Option* find_flag(const CLI::App* app, std::string_view name)
{
  for (const CLI::Option* option : app->get_options()) {
    if (option->get_positional() && !option->nonpositional()) {
      continue;
    }
    if (name.starts_with("--")) {
      for (const std::string& l : option->get_lnames()) {
        if (name.substr(2) == l) {
          return option;
        }
      }
    } else if (name.size() == 2 && name[0] == '-') {
      for (const std::string& s : option->get_snames()) {
        if (name.substr(1) == s) {
          return option;
        }
      }
    }
  }
  return nullptr;
}

const CLI::App* find_subcommand(const CLI::App* app, std::string_view name)
{
  for (const CLI::App* sub : app->get_subcommands({})) {
    if (sub->get_name() == name && !is_hidden(sub)) {
      return sub;
    }
  }
  return nullptr;
}

// The positional option that the `index`-th positional word of `app` fills.
const CLI::Option* positional_at(const CLI::App* app, std::size_t index)
{
  std::size_t i = 0;
  const CLI::Option* last = nullptr;
  for (const CLI::Option* option : app->get_options()) {
    if (!option->get_positional() || option->nonpositional()) {
      continue;
    }
    if (i == index) {
      return option;
    }
    last = option;
    ++i;
  }
  // A vector positional (INPUT...) takes every further word.
  if (last != nullptr && last->get_items_expected_max() > 1) {
    return last;
  }
  return nullptr;
}

struct Completion
{
  std::vector<std::string> lines;
  int directive = 0;
};

// Candidates for the value `value` of `option`, each prefixed with `prefix` (`--output=`).
Completion complete_value(const Invocation& inv, const CLI::Option* option, std::string_view value,
                          std::string_view prefix)
{
  const auto it = inv.completions.find(option);
  if (it == inv.completions.end()) {
    return {{}, 0}; // a file name: let the shell complete it
  }
  Completion out;
  out.directive = k_directive_no_file;
  std::string head;
  std::vector<std::string> given;
  if (it->second.comma_list) {
    const std::size_t comma = value.rfind(',');
    if (comma != std::string_view::npos) {
      head = std::string(value.substr(0, comma + 1));
      value = value.substr(comma + 1);
      std::size_t start = 0;
      while (start < head.size()) {
        const std::size_t next = head.find(',', start);
        given.push_back(head.substr(start, next - start));
        start = next + 1;
      }
    }
    out.directive |= k_directive_no_space;
  }
  for (const std::string& v : it->second.values) {
    if (v.starts_with(value) && std::find(given.begin(), given.end(), v) == given.end()) {
      out.lines.push_back(fmt::format("{}{}{}", prefix, head, v));
    }
  }
  return out;
}

Completion complete_flags(const CLI::App* app, std::string_view current)
{
  Completion out;
  out.directive = k_directive_no_file;
  for (const CLI::Option* option : app->get_options()) {
    if ((option->get_positional() && !option->nonpositional()) || option->get_group().empty()) {
      continue;
    }
    std::vector<std::string> names;
    for (const std::string& l : option->get_lnames()) {
      names.push_back("--" + l);
    }
    for (const std::string& s : option->get_snames()) {
      names.push_back("-" + s);
    }
    for (const std::string& name : names) {
      if (name.starts_with(current)) {
        out.lines.push_back(fmt::format("{}\t{}", name, first_line(option->get_description())));
      }
    }
  }
  return out;
}

Completion complete_words(const CLI::App& root, const Invocation& inv, const std::vector<std::string>& words)
{
  const std::string current = words.empty() ? std::string() : words.back();
  const CLI::App* app = &root;
  const CLI::Option* pending = nullptr;
  std::size_t positionals = 0;
  bool options_ended = false;
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    const std::string& w = words[i];
    if (pending != nullptr) {
      pending = nullptr;
      continue;
    }
    if (!options_ended && w == "--") {
      options_ended = true;
      continue;
    }
    if (!options_ended && w.size() > 1 && w[0] == '-') {
      const std::size_t eq = w.find('=');
      const CLI::Option* option = find_flag(app, std::string_view(w).substr(0, eq));
      if (option != nullptr && takes_value(option) && eq == std::string::npos) {
        pending = option;
      }
      continue;
    }
    if (positionals == 0) {
      if (const CLI::App* sub = find_subcommand(app, w)) {
        app = sub;
        continue;
      }
    }
    ++positionals;
  }
  if (pending != nullptr) {
    return complete_value(inv, pending, current, "");
  }
  if (!options_ended && current.starts_with("-")) {
    if (const std::size_t eq = current.find('='); eq != std::string::npos) {
      const CLI::Option* option = find_flag(app, std::string_view(current).substr(0, eq));
      if (option == nullptr || !takes_value(option)) {
        return {{}, k_directive_no_file};
      }
      return complete_value(inv, option, std::string_view(current).substr(eq + 1), current.substr(0, eq + 1));
    }
    return complete_flags(app, current);
  }
  if (positionals == 0) {
    Completion out;
    out.directive = k_directive_no_file;
    for (const CLI::App* sub : app->get_subcommands({})) {
      if (!is_hidden(sub) && sub->get_name().starts_with(current)) {
        out.lines.push_back(fmt::format("{}\t{}", sub->get_name(), first_line(sub->get_description())));
      }
    }
    if (!out.lines.empty() || app == &root) {
      return out;
    }
  }
  if (const CLI::Option* option = positional_at(app, positionals)) {
    return complete_value(inv, option, current, "");
  }
  return {{}, k_directive_no_file};
}

struct CompletionOptions
{
  std::string shell;
};

} // namespace

int run_complete(const CLI::App& app, const Invocation& inv, const std::vector<std::string>& words)
{
  Completion c;
  try {
    c = complete_words(app, inv, words);
  } catch (const std::exception& e) {
    std::cerr << fmt::format("kubectl-coder_cva: completion failed: {}\n", e.what());
    c = {{}, k_directive_error};
  }
  for (const std::string& line : c.lines) {
    std::cout << line << '\n';
  }
  std::cout << ':' << c.directive << '\n';
  std::cout.flush();
  return 0;
}

void setup_completion(CLI::App& app, Invocation& inv)
{
  auto opt = std::make_shared<CompletionOptions>();
  CLI::App* sub = app.add_subcommand("completion", "Print a shell completion script (bash, zsh, fish) or kubectl's "
                                                   "plugin completion helper (kubectl)");
  CLI::Option* shell = sub->add_option("SHELL", opt->shell, "bash, zsh, fish, or kubectl for the "
                                                            "kubectl_complete-coder_cva helper")
                         ->required()
                         ->check(CLI::IsMember({"bash", "zsh", "fish", "kubectl"}));
  complete_option(inv, shell, {"bash", "zsh", "fish", "kubectl"});
  sub->footer(
    "`kubectl coder-cva <TAB>` (kubectl 1.26 or newer) runs an executable named kubectl_complete-coder_cva\n"
    "from PATH; krew cannot install it, so write it next to the plugin once:\n"
    "  " + inv.program + " completion kubectl > \"${KREW_ROOT:-$HOME/.krew}/bin/kubectl_complete-coder_cva\"\n"
    "  chmod +x \"${KREW_ROOT:-$HOME/.krew}/bin/kubectl_complete-coder_cva\"\n"
    "kubectl's own completion must be loaded too (source <(kubectl completion bash)).\n\n"
    "For the kubectl-coder_cva command itself:\n"
    "  bash: source <(kubectl-coder_cva completion bash)          (add to ~/.bashrc)\n"
    "  zsh:  kubectl-coder_cva completion zsh > \"${fpath[1]}/_kubectl-coder_cva\"   (then restart zsh)\n"
    "  fish: kubectl-coder_cva completion fish > ~/.config/fish/completions/kubectl-coder_cva.fish\n\n"
    "Examples:\n  " +
    inv.program + " completion kubectl\n  " + inv.program + " completion bash > /etc/bash_completion.d/kubectl-coder_cva");
  sub->callback([opt, &inv] {
    if (opt->shell == "bash") {
      std::cout << k_bash_script;
    } else if (opt->shell == "zsh") {
      std::cout << k_zsh_script;
    } else if (opt->shell == "fish") {
      std::cout << k_fish_script;
    } else {
      std::cout << k_kubectl_shim;
    }
    inv.exit_code = 0;
  });
}

} // namespace cva::cmd
