#include "challenges.hpp"

#include <algorithm>

namespace loyalty {
namespace {

bool is_done(const ChallengeProgress& g, const std::string& step) {
  return std::find(g.done.begin(), g.done.end(), step) != g.done.end();
}

bool open(const Program& p, const Ledger& l, const Challenge& c, Timestamp at, const Who& who) {
  return std::string_view(challenge_status(p, l, c, at, who)) == "active";
}

// The step this event does in `c`: with `ordered` only the next one, else the first not yet done
// that it matches.
template <typename Does>
const ChallengeStep* step_done(const Challenge& c, const ChallengeProgress& g, Does does) {
  for (const auto& step : c.steps) {
    if (is_done(g, step.id)) continue;
    if (does(step)) return &step;
    if (c.ordered) return nullptr;
  }
  return nullptr;
}

template <typename Does>
std::vector<ChallengeStepDone> advance(const Program& p, Ledger& l, Timestamp at, const Who& who,
                                       Does does) {
  std::vector<ChallengeStepDone> out;
  for (const auto& c : p.challenges) {
    if (!open(p, l, c, at, who)) continue;
    auto found = l.challenges.find(c.id);
    const ChallengeStep* step =
        step_done(c, found == l.challenges.end() ? ChallengeProgress{} : found->second, does);
    if (!step) continue;
    ChallengeProgress& g = l.challenges[c.id];
    g.done.push_back(step->id);
    ChallengeStepDone d{&c, step->id, static_cast<i64>(g.done.size()),
                        static_cast<i64>(c.steps.size()), false};
    if (g.done.size() == c.steps.size()) {
      d.completes = true;
      ++g.completed;
      if (c.repeat) g.done.clear();
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

const char* challenge_status(const Program& p, const Ledger& l, const Challenge& c, Timestamp at,
                             const Who& who) {
  if (const char* locked = locked_status(c.cond, who)) return locked;
  auto it = l.challenges.find(c.id);
  if (!c.repeat && it != l.challenges.end() && it->second.completed > 0) return "completed";
  if (!in_window(c.cond.when, at, p.zone)) return "not_in_window";
  return "active";
}

std::vector<ChallengeStepDone> challenge_steps_by_action(const Program& p, Ledger& l,
                                                         const std::string& action, Timestamp at,
                                                         const Who& who) {
  return advance(p, l, at, who, [&](const ChallengeStep& s) { return s.action == action; });
}

std::vector<ChallengeStepDone> challenge_steps_by_order(const Program& p, Ledger& l,
                                                        const Cart& cart, Timestamp at,
                                                        const Who& who) {
  const i64 merchandise = cart.lines_net - cart.order_discount_minor;
  return advance(p, l, at, who, [&](const ChallengeStep& s) {
    if (!s.action.empty() || merchandise < s.min_order_minor) return false;
    return std::any_of(cart.lines.begin(), cart.lines.end(), [&](const CartLine& line) {
      return line.quantity > 0 && matches(s.match, line);
    });
  });
}

HistoryLine step_line(const ChallengeStepDone& s) {
  return {"challenge:" + s.challenge->id, 0,
          Explain::of("challenge.step")
              .arg("challenge", s.challenge->id)
              .arg("step", s.step)
              .arg("done", s.done)
              .arg("steps", s.steps)};
}

HistoryLine done_line(const ChallengeStepDone& s) {
  return {"challenge:" + s.challenge->id, s.challenge->points,
          Explain::of("challenge.done")
              .arg("challenge", s.challenge->id)
              .arg("points", s.challenge->points)
              .arg("reward", s.challenge->reward)};
}

}  // namespace loyalty
