// An independent reference for the spec's earning formula — Σ over matching lines of
// net × points × F(line) / per_minor, rounded once, with F from the stacking mode and the nets
// after the order-discount spread — checked against the engine on generated programs and carts.
#include <algorithm>
#include <cstdint>
#include <random>

#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

using i128 = __int128;

// "1.2345" -> 12345 (×10 000).
long long fixed4(const std::string& s) {
  const auto dot = s.find('.');
  std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  frac = (frac + "0000").substr(0, 4);
  return std::stoll(s.substr(0, dot)) * 10000 + std::stoll(frac);
}

// Largest remainder, ties to the earlier line: written from the spec, not from the engine.
std::vector<long long> spread_ref(long long total, const std::vector<long long>& w) {
  long long sum = 0;
  for (long long x : w) sum += x;
  std::vector<long long> parts(w.size(), 0);
  if (sum == 0 || total == 0) return parts;
  std::vector<std::pair<i128, std::size_t>> rem;
  long long given = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    parts[i] = static_cast<long long>(static_cast<i128>(total) * w[i] / sum);
    rem.push_back({static_cast<i128>(total) * w[i] % sum, i});
    given += parts[i];
  }
  std::stable_sort(rem.begin(), rem.end(), [](auto& a, auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; given < total; ++k, ++given) parts[rem[k].second] += 1;
  return parts;
}

long long round_ref(i128 num, i128 den, const std::string& mode) {
  const i128 q = num / den, r = num % den;
  if (mode == "floor" || r == 0) return static_cast<long long>(q);
  if (mode == "ceil") return static_cast<long long>(q + 1);
  return static_cast<long long>(2 * r >= den ? q + 1 : q);
}

TEST(EarningReference, EngineMatchesTheSpecFormulaOnGeneratedCarts) {
  std::mt19937 rng(20261122);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const char* modes[] = {"highest", "multiply", "add"};
  const char* roundings[] = {"floor", "nearest", "ceil"};
  for (int round = 0; round < 400; ++round) {
    const std::string mode = modes[pick(0, 2)], rounding = roundings[pick(0, 2)];
    const bool per_spend = pick(0, 1) == 1, base_on_x = pick(0, 1) == 1,
               discounted = pick(0, 3) > 0;
    const long long points = pick(1, 7),
                    per_minor = per_spend ? std::vector<int>{1, 3, 100, 250}[pick(0, 3)] : 1;
    json base = {{"id", "base"},
                 {"type", per_spend ? "per_spend" : "per_item"},
                 {"points", points},
                 {"rounding", rounding}};
    if (per_spend) base["per_minor"] = per_minor;
    if (base_on_x) base["match"] = {{"categories", {"x"}}};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%d.%02d", pick(1, 2), pick(0, 99));
    const std::string tier_factor = buf;
    json earn = json::array({base});
    struct Mult {
      std::string factor, only;
    };
    std::vector<Mult> mults;
    for (int k = pick(0, 3); k > 0; --k) {
      std::snprintf(buf, sizeof buf, "%d.%04d", pick(0, 3), pick(1, 9999));  // below 1 too
      Mult m{buf, pick(0, 1) ? std::string(pick(0, 1) ? "x" : "y") : ""};
      json r = {
          {"id", "m" + std::to_string(mults.size())}, {"type", "multiplier"}, {"factor", m.factor}};
      if (!m.only.empty()) r["match"] = {{"categories", {m.only}}};
      earn.push_back(r);
      mults.push_back(m);
    }
    const json prog = program(
        {{"earn", earn},
         {"multiplier_stacking", mode},
         {"earn_on_discounted", discounted},
         {"tiers", {{"levels", {{{"id", "t0"}, {"min", 0}, {"earn_multiplier", tier_factor}}}}}}});
    json lines = json::array();
    std::vector<long long> nets;
    std::vector<std::string> cats;
    for (int i = pick(1, 6); i > 0; --i) {
      const long long price = pick(0, 5000), qty = pick(1, 5);
      cats.push_back(pick(0, 1) ? "x" : "y");
      lines.push_back(line("s" + std::to_string(i), price, qty, cats.back()));
      nets.push_back(price * qty);
    }
    long long lines_net = 0;
    for (long long n : nets) lines_net += n;
    json c = cart(lines);
    const long long order_discount = pick(0, static_cast<int>(lines_net));
    c["order_discount_minor"] = order_discount;

    std::vector<long long> earn_nets = nets;
    if (discounted) {
      const auto parts = spread_ref(order_discount, nets);
      for (std::size_t i = 0; i < nets.size(); ++i) earn_nets[i] -= parts[i];
    }
    i128 num = 0;
    for (std::size_t i = 0; i < nets.size(); ++i) {
      if (base_on_x && cats[i] != "x") continue;
      std::vector<long long> fs = {fixed4(tier_factor)};
      for (const auto& m : mults)
        if (m.only.empty() || m.only == cats[i]) fs.push_back(fixed4(m.factor));
      long long f = 10000;
      if (mode == "highest") {
        f = *std::max_element(fs.begin(), fs.end());
      } else if (mode == "add") {
        for (long long x : fs) f += x - 10000;
        f = std::max(f, 0LL);  // F never below 0
      } else {
        for (long long x : fs) f = f * x / 10000;
      }
      const long long amount = per_spend ? earn_nets[i] : lines[i]["quantity"].get<long long>();
      num += static_cast<i128>(amount) * points * f;
    }
    const long long expected = round_ref(num, static_cast<i128>(10000) * per_minor, rounding);
    const json r = preview(prog, c);
    ASSERT_FALSE(r.contains("error")) << r.dump();
    ASSERT_EQ(r["points"]["total"], expected) << json({{"program", prog}, {"cart", c}}).dump();
    long long sum = 0;
    for (const auto& l : r["points"]["lines"]) sum += l["points"].get<long long>();
    ASSERT_EQ(sum, expected);
  }
}

}  // namespace
}  // namespace loyalty::testing
