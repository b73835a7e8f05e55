#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace cva {

// An error at an I/O or untrusted-input boundary: one line, lowercase, no trailing period, naming
// the file or object it is about.
struct Error
{
  std::string message;
};

// Wraps an Error so `return fail(...)` converts to any Result<T>.
struct Unexpected
{
  Error error;
};

// Builds an Unexpected from a message.
inline Unexpected fail(std::string message)
{
  return Unexpected{Error{std::move(message)}};
}

// A value or an Error: the subset of std::expected this project needs (Debian 12's compilers lack
// std::expected). Accessing the value of an error Result throws std::logic_error.
template<typename T>
class [[nodiscard]] Result
{
public:
  Result(T value) : m_data(std::in_place_index<0>, std::move(value)) {}
  Result(Unexpected unexpected) : m_data(std::in_place_index<1>, std::move(unexpected.error)) {}

  bool has_value() const { return m_data.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() &
  {
    check();
    return std::get<0>(m_data);
  }
  const T& value() const&
  {
    check();
    return std::get<0>(m_data);
  }
  T&& value() &&
  {
    check();
    return std::get<0>(std::move(m_data));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // The error; only valid when !has_value().
  const Error& error() const { return std::get<1>(m_data); }

private:
  void check() const
  {
    if (!has_value()) {
      throw std::logic_error("value() of an error Result: " + std::get<1>(m_data).message);
    }
  }
  std::variant<T, Error> m_data;
};

template<>
class [[nodiscard]] Result<void>
{
public:
  Result() = default;
  Result(Unexpected unexpected) : m_error(std::move(unexpected.error)), m_ok(false) {}

  bool has_value() const { return m_ok; }
  explicit operator bool() const { return m_ok; }
  const Error& error() const { return m_error; }

private:
  Error m_error;
  bool m_ok = true;
};

} // namespace cva

// Evaluates `expr` (a Result); on error returns it from the enclosing function, otherwise binds
// the value to `var`.
#define CVA_TRY_ASSIGN(var, expr)                                                                  \
  auto var##_result_ = (expr);                                                                     \
  if (!var##_result_) {                                                                            \
    return ::cva::Unexpected{var##_result_.error()};                                               \
  }                                                                                                \
  auto var = std::move(*var##_result_)

// Evaluates `expr` (a Result); on error returns it from the enclosing function.
#define CVA_TRY(expr)                                                                              \
  do {                                                                                             \
    auto cva_try_result_ = (expr);                                                                 \
    if (!cva_try_result_) {                                                                        \
      return ::cva::Unexpected{cva_try_result_.error()};                                           \
    }                                                                                              \
  } while (false)
