#include "accounts/password_policy.h"

#include <gtest/gtest.h>

namespace shortstack::accounts {
namespace {

TEST(PasswordPolicy, RefusesShortAndAbsurdlyLongPasswords) {
  EXPECT_TRUE(password_problem("nine char"));
  EXPECT_TRUE(password_problem(std::string(257, 'x') + "y"));
  EXPECT_FALSE(password_problem("ten chars!"));
}

TEST(PasswordPolicy, RefusesTheBundledCommonPasswordsWhateverTheirCase) {
  for (const char* p : {"1234567890", "qwertyuiop", "Password123", "IloveYou123", "1q2w3e4r5t", "administrator"})
    EXPECT_EQ(password_problem(p).value_or(""), "password is on the list of commonly used passwords") << p;
}

TEST(PasswordPolicy, RefusesRepeatsAndRunsNotOnTheList) {
  EXPECT_TRUE(password_problem("zzzzzzzzzzzz"));
  EXPECT_TRUE(password_problem("abcdefghijklm"));
  EXPECT_TRUE(password_problem("3456789:;<"));  // a run of bytes, not just of digits
  EXPECT_TRUE(password_problem("ZYXWVUTSRQ"));
}

TEST(PasswordPolicy, RefusesPasswordsContainingTheEmailsName) {
  EXPECT_TRUE(password_problem("margaret-2026!", "Margaret@example.com"));
  EXPECT_FALSE(password_problem("margaret-2026!", "bob@example.com"));
  EXPECT_FALSE(password_problem("a fine passphrase", "al@example.com")) << "names under 4 characters are not checked";
}

TEST(PasswordPolicy, AcceptsOrdinaryPassphrases) {
  for (const char* p : {"correct horse battery", "tangerine-submarine-42", "Ünïcode passwörd"}) EXPECT_FALSE(password_problem(p)) << p;
}

}  // namespace
}  // namespace shortstack::accounts
