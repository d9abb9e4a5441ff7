// Numbers: integers beyond 64 bits and arithmetic that would overflow are `overflow`, never a
// wrapped value; negative money or quantities are `invalid_cart` at the field's pointer.
#include "fixed.hpp"
#include "test_helpers.hpp"

namespace loyalty::testing {
namespace {

const std::string kProgram =
    R"({"schema":"loyalty-program/1","id":"t","currency":"PEN","earn":[{"id":"base","type":"per_spend","points":1,"per_minor":100}]})";

json preview_raw(const std::string& lines, const std::string& program = kProgram) {
  return json::parse(loyalty::call(
      "preview",
      R"({"program":)" + program +
          R"(,"state":null,"cart":{"currency":"PEN","at":"2026-11-20T10:00:00-05:00","lines":[)" +
          lines + "]}}"));
}

void expect(const json& answer, const std::string& code, const std::string& path) {
  const json e = error_of(answer);
  EXPECT_EQ(e.value("code", ""), code) << answer.dump();
  EXPECT_EQ(e.value("path", ""), path) << answer.dump();
}

// Factors in explanations ("earn.multiplier" args): the shortest decimal, written digit by digit.
TEST(Numbers, FactorTextIsTheShortestDecimal) {
  EXPECT_EQ(to_string(Fixed{0}), "0");
  EXPECT_EQ(to_string(Fixed{1}), "0.0001");
  EXPECT_EQ(to_string(Fixed{500}), "0.05");
  EXPECT_EQ(to_string(Fixed{10500}), "1.05");
  EXPECT_EQ(to_string(Fixed{12500}), "1.25");
  EXPECT_EQ(to_string(Fixed{15000}), "1.5");
  EXPECT_EQ(to_string(Fixed{20000}), "2");
  EXPECT_EQ(to_string(Fixed{1000000}), "100");
  EXPECT_EQ(to_string(Fixed{-15000}), "-1.5");
  EXPECT_EQ(to_string(Fixed{INT64_MAX}), "922337203685477.5807");
}

TEST(Numbers, IntegersBeyondSixtyFourBitsAreOverflow) {
  expect(preview_raw(R"({"sku":"a","unit_price_minor":99999999999999999999,"quantity":1})"),
         "overflow", "/cart/lines/0/unit_price_minor");
  expect(preview_raw(R"({"sku":"a","unit_price_minor":10000000000000000000,"quantity":1})"),
         "overflow", "/cart/lines/0/unit_price_minor");
  expect(preview_raw(R"({"sku":"a","unit_price_minor":100,"quantity":-99999999999999999999})"),
         "overflow", "/cart/lines/0/quantity");
}

TEST(Numbers, HugeIntegerInTheProgramIsOverflowAtItsPointer) {
  const std::string program =
      R"({"schema":"loyalty-program/1","id":"t","currency":"PEN","version":123456789012345678901234567890})";
  const json e = error_of(json::parse(loyalty::call("validate", R"({"program":)" + program + "}")));
  EXPECT_EQ(e["code"], "overflow");
  EXPECT_EQ(e["path"], "/version");
}

TEST(Numbers, MerchandiseThatWouldOverflowIsOverflow) {
  // Each line is 10^12 × 10^6 = 10^18 (fits); ten of them do not fit in 64 bits.
  std::string lines;
  for (int i = 0; i < 10; ++i)
    lines += std::string(i ? "," : "") +
             R"({"sku":"a","unit_price_minor":1000000000000,"quantity":1000000})";
  const json e = error_of(preview_raw(lines));
  EXPECT_EQ(e["code"], "overflow");
  EXPECT_EQ(e["path"], "/cart/lines/9");
  // Nine fit: 9 × 10^18 < 2^63 - 1.
  std::string nine;
  for (int i = 0; i < 9; ++i)
    nine += std::string(i ? "," : "") +
            R"({"sku":"a","unit_price_minor":1000000000000,"quantity":1000000})";
  const json ok = preview_raw(nine);
  ASSERT_FALSE(ok.contains("error")) << ok.dump();
  EXPECT_EQ(ok["totals"]["merchandise_minor"], 9000000000000000000LL);
  EXPECT_EQ(ok["points"]["total"], 90000000000000000LL);
}

TEST(Numbers, PointsThatWouldOverflowAreOverflow) {
  const std::string program =
      R"({"schema":"loyalty-program/1","id":"t","currency":"PEN","earn":[{"id":"base","type":"per_spend","points":1000000000000000,"per_minor":1}]})";
  // 10^15 points per minor unit on 10^10 minor units: 10^25 points.
  const json e =
      error_of(preview_raw(R"({"sku":"a","unit_price_minor":10000000000,"quantity":1})", program));
  EXPECT_EQ(e["code"], "overflow");
}

TEST(Numbers, NegativeMoneyOrQuantityIsInvalidCart) {
  expect(preview_raw(R"({"sku":"a","unit_price_minor":-1,"quantity":1})"), "invalid_cart",
         "/cart/lines/0/unit_price_minor");
  expect(
      preview_raw(
          R"({"sku":"a","unit_price_minor":100,"quantity":1},{"sku":"b","unit_price_minor":100,"quantity":-2})"),
      "invalid_cart", "/cart/lines/1/quantity");
  expect(preview_raw(R"({"sku":"a","unit_price_minor":100,"quantity":0})"), "invalid_cart",
         "/cart/lines/0/quantity");
  expect(preview_raw(R"({"sku":"a","unit_price_minor":100,"quantity":1,"discount_minor":-5})"),
         "invalid_cart", "/cart/lines/0/discount_minor");
}

TEST(Numbers, FractionalMoneyIsInvalidCart) {
  expect(preview_raw(R"({"sku":"a","unit_price_minor":12.5,"quantity":1})"), "invalid_cart",
         "/cart/lines/0/unit_price_minor");
}

TEST(Numbers, ZeroDecimalCurrencyCountsWholeUnits) {
  // CLP has no minor digits: 3750 pesos at 1 point per 100 pesos is 37 points.
  const std::string program =
      R"({"schema":"loyalty-program/1","id":"t","currency":"CLP","earn":[{"id":"base","type":"per_spend","points":1,"per_minor":100}]})";
  const json r = json::parse(loyalty::call(
      "preview",
      R"({"program":)" + program +
          R"(,"cart":{"currency":"CLP","at":"2026-11-20T10:00:00-03:00","lines":[{"sku":"a","unit_price_minor":3750,"quantity":1}]}})"));
  EXPECT_EQ(r["points"]["total"], 37) << r.dump();
  // A cart in another currency than the program's is refused.
  const json e =
      error_of(preview_raw(R"({"sku":"a","unit_price_minor":100,"quantity":1})", program));
  EXPECT_EQ(e["code"], "invalid_cart");
  EXPECT_EQ(e["path"], "/cart/currency");
}

}  // namespace
}  // namespace loyalty::testing

namespace loyalty::testing {
namespace {

TEST(Numbers, PricesAndQuantitiesAreCappedSoOneLineCannotOverflow) {
  // decisions.md: at most 10^12 per unit and 10^6 units, so price × quantity fits in 64 bits;
  // a price over the cap is refused at its pointer before any product is formed.
  expect(preview_raw(R"({"sku":"a","unit_price_minor":4611686018427387904,"quantity":2})"),
         "invalid_cart", "/cart/lines/0/unit_price_minor");
  expect(preview_raw(R"({"sku":"a","unit_price_minor":1,"quantity":1000001})"), "invalid_cart",
         "/cart/lines/0/quantity");
  const json max =
      preview_raw(R"({"sku":"a","unit_price_minor":1000000000000,"quantity":1000000})");
  ASSERT_FALSE(max.contains("error")) << max.dump();
  EXPECT_EQ(max["totals"]["merchandise_minor"], 1000000000000000000LL);
}

}  // namespace
}  // namespace loyalty::testing
