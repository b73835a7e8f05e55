#pragma once

#include <algorithm>
#include <utility>
#include <vector>

namespace cva::netpol {

// A set of unsigned integers kept as sorted, disjoint, non-adjacent closed intervals [lo, hi]:
// port numbers and IP addresses. `T` is an unsigned integer type; the whole range of `T` may be
// used (the largest value is ~T(0)), so no operation ever computes hi + 1 past it.
template<typename T>
class IntervalSet
{
public:
  using Interval = std::pair<T, T>;

  IntervalSet() = default;
  // The set [lo, hi]; empty when lo > hi.
  IntervalSet(T lo, T hi)
  {
    if (lo <= hi) {
      m_items.emplace_back(lo, hi);
    }
  }

  bool empty() const { return m_items.empty(); }
  const std::vector<Interval>& intervals() const { return m_items; }

  bool contains(T value) const
  {
    const auto it = std::upper_bound(m_items.begin(), m_items.end(), value,
                                     [](T v, const Interval& i) { return v < i.first; });
    return it != m_items.begin() && std::prev(it)->second >= value;
  }

  // True when every value of [lo, hi] is in the set.
  bool covers(T lo, T hi) const
  {
    const auto it = std::upper_bound(m_items.begin(), m_items.end(), lo,
                                     [](T v, const Interval& i) { return v < i.first; });
    return it != m_items.begin() && std::prev(it)->second >= hi;
  }

  bool covers(const IntervalSet& other) const
  {
    return std::all_of(other.m_items.begin(), other.m_items.end(),
                       [&](const Interval& i) { return covers(i.first, i.second); });
  }

  IntervalSet& unite(const IntervalSet& other)
  {
    if (other.empty()) {
      return *this;
    }
    std::vector<Interval> all;
    all.reserve(m_items.size() + other.m_items.size());
    std::merge(m_items.begin(), m_items.end(), other.m_items.begin(), other.m_items.end(),
               std::back_inserter(all));
    m_items.clear();
    for (const Interval& i : all) {
      if (!m_items.empty() && (m_items.back().second == k_max || m_items.back().second + 1 >= i.first)) {
        m_items.back().second = std::max(m_items.back().second, i.second);
      } else {
        m_items.push_back(i);
      }
    }
    return *this;
  }

  IntervalSet intersect(const IntervalSet& other) const
  {
    IntervalSet out;
    auto a = m_items.begin();
    auto b = other.m_items.begin();
    while (a != m_items.end() && b != other.m_items.end()) {
      const T lo = std::max(a->first, b->first);
      const T hi = std::min(a->second, b->second);
      if (lo <= hi) {
        out.m_items.emplace_back(lo, hi);
      }
      if (a->second < b->second) {
        ++a;
      } else {
        ++b;
      }
    }
    return out;
  }

  IntervalSet subtract(const IntervalSet& other) const
  {
    IntervalSet out;
    auto b = other.m_items.begin();
    for (Interval cur : m_items) {
      bool alive = true;
      while (b != other.m_items.end() && b->second < cur.first) {
        ++b;
      }
      for (auto c = b; c != other.m_items.end() && c->first <= cur.second; ++c) {
        if (c->first > cur.first) {
          out.m_items.emplace_back(cur.first, c->first - 1);
        }
        if (c->second >= cur.second) {
          alive = false;
          break;
        }
        cur.first = c->second + 1;
      }
      if (alive) {
        out.m_items.push_back(cur);
      }
    }
    return out;
  }

  friend bool operator==(const IntervalSet&, const IntervalSet&) = default;

private:
  static constexpr T k_max = static_cast<T>(~T(0));
  std::vector<Interval> m_items;
};

} // namespace cva::netpol
