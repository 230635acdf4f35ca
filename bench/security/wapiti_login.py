"""Log in to a running Civic as a demo account and print the Cookie header for wapiti's ``-C``.

wapiti's own ``--form-url/--form-user/--form-password`` login answers "Login failed" here (it does
not send allauth's form as a browser does), so the scan reuses a real session instead.

    python3 bench/security/wapiti_login.py http://127.0.0.1:8123 citizen@civic.localhost
"""

import http.cookiejar
import re
import sys
import urllib.parse
import urllib.request

PASSWORD = "civic-demo-2026"  # the demo password printed by ``make run``; demo data only


def session_cookie(base: str, email: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = base + "/fr/accounts/login/"
    html = opener.open(login).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "login": email, "password": PASSWORD})
    opener.open(urllib.request.Request(login, data=data.encode(), headers={"Referer": login}))
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"login failed for {email}")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


if __name__ == "__main__":
    sys.stdout.write(session_cookie(sys.argv[1], sys.argv[2]) + "\n")
