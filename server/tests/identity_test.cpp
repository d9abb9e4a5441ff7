// Members found by phone or email (spec/sync.md, "Members' identifiers"): E.164 with the
// program's default_country, emails trimmed and lower-cased, each unique among members (409), on
// either store.
#include <gtest/gtest.h>

#include <fstream>

#include "clock.hpp"
#include "harness.hpp"
#include "identity.hpp"

using namespace srvtest;
using nlohmann::json;

namespace {

std::string phone(const std::string& raw, const std::string& country = "PE") {
  std::string why;
  return srv::normalize_phone(raw, country, why).value_or("refused: " + why);
}

TEST(Identity, PhonesBecomeE164) {
  EXPECT_EQ(phone("987 654 321"), "+51987654321");
  EXPECT_EQ(phone("0987-654-321"), "+51987654321") << "one leading national 0 dropped";
  EXPECT_EQ(phone("+51 (987) 654.321"), "+51987654321");
  EXPECT_EQ(phone("0051987654321"), "+51987654321") << "00 is the international prefix";
  EXPECT_EQ(phone("+48 601 234 567", "PE"), "+48601234567") << "a prefix wins over the country";
  EXPECT_EQ(phone("601 234 567", "PL"), "+48601234567");
  EXPECT_EQ(phone("0722 123 456", "RO"), "+40722123456");
  EXPECT_EQ(phone("612 34 56 78", "ES"), "+34612345678");
  EXPECT_EQ(phone("987654321", ""),
            "refused: start the number with + or 00 (the program has no "
            "default_country)");
  EXPECT_TRUE(phone("98765a321").starts_with("refused"));
  EXPECT_TRUE(phone("+51 9").starts_with("refused")) << "too short";
  EXPECT_TRUE(phone("+1234567890123456").starts_with("refused")) << "16 digits";
  EXPECT_TRUE(phone("9+87654321").starts_with("refused")) << "a + inside";
  EXPECT_TRUE(phone("987654321", "ZZ").starts_with("refused: no calling code"));
}

TEST(Identity, EmailsAreTrimmedAndLowerCased) {
  std::string why;
  EXPECT_EQ(srv::normalize_email("  Ana.Perez@Example.COM \n", why), "ana.perez@example.com");
  EXPECT_FALSE(srv::normalize_email("ana@", why));
  EXPECT_FALSE(srv::normalize_email("@example.com", why));
  EXPECT_FALSE(srv::normalize_email("ana perez@example.com", why));
  EXPECT_FALSE(srv::normalize_email("a@b@c", why));
}

class Members : public ::testing::Test {
 protected:
  void SetUp() override {
    json program = json::parse(read_file(program_path("basic.json")));
    program["default_country"] = "PE";
    const std::string file = dir_.path() + "/program.json";
    std::ofstream(file) << program.dump();
    server_ = std::make_unique<ServerProcess>(dir_.path() + "/members.db",
                                              std::vector<std::string>{"--program", file});
    http_ = server_->client();
  }
  httplib::Result enrol(const json& body) {
    return http_->Post("/v1/members",
                       admin("k-" + std::to_string(++n_) + "-" + std::to_string(srv::now_ms())),
                       body.dump(), "application/json");
  }
  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<httplib::Client> http_;
  int n_ = 0;
};

TEST_F(Members, APhoneOrAnEmailNamesOneMemberHoweverItIsWritten) {
  ASSERT_EQ(
      enrol({{"member_id", "ana"}, {"phone", "987 654 321"}, {"email", "Ana@Example.com"}})->status,
      201);
  auto twin = enrol({{"member_id", "ana-2"}, {"phone", "+51 987-654-321"}});
  ASSERT_EQ(twin->status, 409) << twin->body;
  EXPECT_EQ(body(twin)["error"]["code"], "identifier_taken");
  EXPECT_EQ(body(twin)["error"]["path"], "/phone");
  auto same_mail = enrol({{"member_id", "ana-3"}, {"email", " ana@example.COM"}});
  ASSERT_EQ(same_mail->status, 409);
  EXPECT_EQ(body(same_mail)["error"]["path"], "/email");
  EXPECT_EQ(http_->Get("/v1/members/me", shopper(token("ana-2")))->status, 404)
      << "the refused enrolment stored nothing";

  auto by_phone = http_->Get("/v1/members?phone=0987654321", admin());
  ASSERT_EQ(by_phone->status, 200) << by_phone->body;
  EXPECT_EQ(body(by_phone), (json{{"member_id", "ana"}, {"phone", "+51987654321"}}));
  auto by_email = http_->Get("/v1/members?email=ANA%40example.com", admin());
  ASSERT_EQ(by_email->status, 200);
  EXPECT_EQ(body(by_email)["member_id"], "ana");
  EXPECT_EQ(http_->Get("/v1/members?email=nobody%40example.com", admin())->status, 404);
  EXPECT_EQ(http_->Get("/v1/members?phone=1&email=a%40b.c", admin())->status, 400);
  EXPECT_EQ(http_->Get("/v1/members?phone=0987654321")->status, 403) << "admin only";
  auto bad = enrol({{"member_id", "bo"}, {"phone", "call me"}});
  ASSERT_EQ(bad->status, 400);
  EXPECT_EQ(body(bad)["error"]["path"], "/phone");
}

TEST_F(Members, AProfileChangeMovesIdentifiersAndIsAnEventInTheLedger) {
  ASSERT_EQ(enrol({{"member_id", "ana"}, {"phone", "987 654 321"}})->status, 201);
  ASSERT_EQ(enrol({{"member_id", "bea"}, {"email", "bea@example.com"}})->status, 201);
  const auto patch = [&](const std::string& member, const json& changes) {
    return http_->Patch("/v1/members/" + member,
                        admin("p-" + std::to_string(++n_) + "-" + std::to_string(srv::now_ms())),
                        changes.dump(), "application/json");
  };
  auto changed = patch("ana", {{"phone", "+51 912 345 678"},
                               {"email", "Ana@Example.com"},
                               {"name", "Ana Pérez"},
                               {"birthday", "03-15"},
                               {"consent", {{"email", true}, {"sms", false}}}});
  ASSERT_EQ(changed->status, 200) << changed->body;
  EXPECT_EQ(http_->Get("/v1/members?phone=912345678", admin())->status, 200);
  EXPECT_EQ(http_->Get("/v1/members?phone=987654321", admin())->status, 404)
      << "the old phone is free again";
  EXPECT_EQ(body(http_->Get("/v1/members?email=ana%40example.com", admin()))["member_id"], "ana");
  // The change is a profile event: the birthday counts from then on, consent has its time.
  const json feed = body(http_->Get("/v1/events?member=ana&limit=100", admin()));
  const json& last = feed["events"].back();
  EXPECT_EQ(last["type"], "profile");
  EXPECT_EQ(last["event"]["phone"], "+51912345678");
  EXPECT_EQ(last["event"]["consent"]["email"]["given"], true);
  EXPECT_EQ(last["event"]["consent"]["sms"]["given"], false);
  EXPECT_TRUE(last["event"]["consent"]["email"]["at"].is_string());
  EXPECT_EQ(body(changed)["history"].back()["kind"], "profile");

  auto taken = patch("bea", {{"phone", "912-345-678"}});
  ASSERT_EQ(taken->status, 409) << taken->body;
  EXPECT_EQ(body(taken)["error"]["path"], "/phone");
  EXPECT_EQ(body(http_->Get("/v1/members?phone=912345678", admin()))["member_id"], "ana");
  auto fax = patch("bea", {{"consent", {{"fa/x", true}}}});
  EXPECT_EQ(fax->status, 400);
  EXPECT_EQ(body(fax)["error"]["path"], "/consent/fa~1x") << "a JSON pointer, escaped";
  EXPECT_EQ(patch("bea", {{"colour", "blue"}})->status, 400);
  EXPECT_EQ(patch("nobody", {{"name", "x"}})->status, 404);
  auto again = patch("ana", {{"phone", "987 654 321"}});
  ASSERT_EQ(again->status, 200) << "ana may take her old number back";
}

}  // namespace
