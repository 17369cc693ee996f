#include "analytics/user_agent.h"

#include <gtest/gtest.h>

namespace shortstack::analytics {
namespace {

const auto& classifier() { return *UserAgentClassifier::builtin(); }

TEST(UserAgent, KnownBotsAndPreviewFetchersAreBots) {
  for (const char* ua : {
           "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
           "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
           "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
           "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
           "Twitterbot/1.0",
           "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
           "TelegramBot (like TwitterBot)",
           "WhatsApp/2.23.20.0 A",
           "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
           "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
           "Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
           "curl/8.5.0",
           "python-requests/2.31.0",
           "",
       })
    EXPECT_TRUE(classifier().classify(ua).bot) << ua;
}

TEST(UserAgent, BrowsersAreHumansWithDeviceBrowserAndOs) {
  struct Case {
    const char* ua;
    std::string_view device, browser, os;
  };
  for (const Case& c : {
           Case{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/120.0.0.0 Safari/537.36",
                "desktop", "Chrome", "Windows"},
           Case{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
                "desktop", "Edge", "Windows"},
           Case{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                "Version/17.1 Mobile/15E148 Safari/604.1",
                "mobile", "Safari", "iOS"},
           Case{"Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                "Version/17.1 Mobile/15E148 Safari/604.1",
                "tablet", "Safari", "iOS"},
           Case{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/120.0.6099.144 Mobile Safari/537.36",
                "mobile", "Chrome", "Android"},
           Case{"Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/120.0.0.0 Safari/537.36",
                "tablet", "Chrome", "Android"},
           Case{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:121.0) Gecko/20100101 Firefox/121.0", "desktop",
                "Firefox", "macOS"},
           Case{"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "desktop", "Firefox",
                "Linux"},
       }) {
    const UserAgentClass got = classifier().classify(c.ua);
    EXPECT_FALSE(got.bot) << c.ua;
    EXPECT_EQ(got.device, c.device) << c.ua;
    EXPECT_EQ(got.browser, c.browser) << c.ua;
    EXPECT_EQ(got.os, c.os) << c.ua;
  }
}

TEST(UserAgent, APhoneBrandThatContainsBotIsNotABot) {
  // Cubot is a phone maker: the generic fragments must not catch its browsers.
  EXPECT_FALSE(classifier().is_bot("Mozilla/5.0 (Linux; Android 10; CUBOT_X30) AppleWebKit/537.36 (KHTML, like "
                                   "Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"));
}

TEST(UserAgent, AListIsData) {
  UserAgentClassifier custom("# comment\n\n  MyPreviewer  \n");
  EXPECT_EQ(custom.bot_fragments(), 1u);
  EXPECT_TRUE(custom.is_bot("Fetcher myPREVIEWER/1.0"));
  EXPECT_FALSE(custom.is_bot("Mozilla/5.0 Googlebot"));  // only what the list says
  EXPECT_GT(classifier().bot_fragments(), 50u);
}

}  // namespace
}  // namespace shortstack::analytics
