// Challenges (spec/engagement.md, "Challenges"): steps done by actions or orders, in order or in
// any order, and the prize when the last one is done.
#pragma once

#include "policy.hpp"
#include "state.hpp"

namespace loyalty {

struct ChallengeStepDone {
  const Challenge* challenge = nullptr;
  std::string step;
  i64 done = 0, steps = 0;  // steps done after this one, of all
  bool completes = false;   // this step was the last: the prize is given
};

// The steps an action or an order does now (one per challenge at most), recorded in the ledger.
// A completed challenge starts again with `repeat`, else stays completed.
std::vector<ChallengeStepDone> challenge_steps_by_action(const Program& program, Ledger& ledger,
                                                         const std::string& action, Timestamp at,
                                                         const Who& who);
std::vector<ChallengeStepDone> challenge_steps_by_order(const Program& program, Ledger& ledger,
                                                        const Cart& cart, Timestamp at,
                                                        const Who& who);

// The history lines of the steps: challenge.step for each, challenge.done with the points for a
// completed one.
HistoryLine step_line(const ChallengeStepDone& s);
HistoryLine done_line(const ChallengeStepDone& s);

// active, not_in_window, audience_locked, tier_locked or completed: a literal.
const char* challenge_status(const Program& program, const Ledger& ledger, const Challenge& c,
                             Timestamp at, const Who& who);

}  // namespace loyalty
