"""What each audience may see of a customer's personal data, from privacy.yml:

    region: GB                 # phone numbers without a country code; default: bot/shop.yml's locale
    audiences:
      bot:      {redact: [card_number, iban, government_id, password]}   # before Rasa's tracker store
      console:  {redact: [card_number, iban, government_id, password, email], verified_email: true}
      webhook:  {redact: all, verified_email: false}                     # an outsourced desk
      chatwoot: {redact: all, verified_email: true}       # the verified email names the contact
      logs:     {redact: all}

Without a privacy.yml (and no PRIVACY_CONFIG) the built-in DEFAULTS, the same rules,
apply. `bot`, `console` and `logs` must be there; a connector without an entry gets every kind
redacted and no verified email (the safe default). Validated on load: a wrong key, kind
or type is a ConfigError naming the file, the key and what is allowed."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import yaml

from handoff.errors import ConfigError
from handoff.privacy.redactor import Redactor
from handoff.privacy.spans import KINDS
from handoff.retention.config import Retention

REQUIRED = ("bot", "console", "logs")
DEFAULT_FILE = "privacy.yml"
# The rules without a privacy.yml (the same as the shipped one).
DEFAULTS = {"audiences": {
    "bot": {"redact": ["card_number", "iban", "government_id", "password"]},
    "console": {"redact": ["card_number", "iban", "government_id", "password", "email"], "verified_email": True},
    "webhook": {"redact": "all"}, "chatwoot": {"redact": "all", "verified_email": True}, "logs": {"redact": "all"}}}


@dataclass(frozen=True)
class Audience:
    name: str
    redactor: Redactor
    verified_email: bool = False  # may this audience see the customer's verified email?

    def redact(self, text: str, verified: Optional[str] = None) -> str:
        return self.redactor(text, keep=(verified,) if verified and self.verified_email else ())


@dataclass(frozen=True)
class PrivacyPolicy:
    source: str
    region: str
    audiences: Mapping[str, Audience]
    retention: Retention = Retention()  # the `retention:` section (handoff.retention.config)

    def audience(self, name: str) -> Audience:
        """The audience's rules; a connector nobody configured sees nothing personal."""
        return self.audiences.get(name) or Audience(name, Redactor(KINDS, self.region), False)

    @classmethod
    def load(cls, path: Optional[Path] = None, env: Optional[Mapping[str, str]] = None) -> PrivacyPolicy:
        """privacy.yml (PRIVACY_CONFIG names another); the region defaults to SHOP_CONFIG's locale."""
        env = os.environ if env is None else env
        region = shop_region(Path(env.get("SHOP_CONFIG", "bot/shop.yml")))
        if path is None and not env.get("PRIVACY_CONFIG") and not Path(DEFAULT_FILE).exists():
            return cls.from_dict(DEFAULTS, "built-in privacy rules", region)
        path = path or Path(env.get("PRIVACY_CONFIG", DEFAULT_FILE))
        try:
            raw = yaml.safe_load(path.read_text()) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(str(path), "privacy", f"cannot be read ({exc}); see README, Privacy and audit") from exc
        return cls.from_dict(raw, str(path), region)

    @classmethod
    def from_dict(cls, raw: Any, source: str = DEFAULT_FILE, default_region: str = "GB") -> PrivacyPolicy:
        if not isinstance(raw, dict):
            raise ConfigError(source, "privacy", "must be a mapping with 'audiences' (and optionally 'region')")
        _known(source, "", raw, {"region", "audiences", "retention"})
        region = raw.get("region", default_region)
        if not (isinstance(region, str) and len(region) == 2 and region.isalpha()):
            raise ConfigError(source, "region", f"is {region!r}; give a two-letter country code such as GB")
        audiences = raw.get("audiences")
        if not isinstance(audiences, dict):
            raise ConfigError(source, "audiences", "must map each audience (bot, console, logs, connectors) "
                                                   "to its rules")
        missing = [name for name in REQUIRED if name not in audiences]
        if missing:
            raise ConfigError(source, f"audiences.{missing[0]}", "is missing; bot, console and logs must be set")
        built = {str(name): _audience(source, str(name), rules, region.upper()) for name, rules in audiences.items()}
        return cls(source, region.upper(), built, Retention.from_dict(raw.get("retention"), source))


def _audience(source: str, name: str, rules: Any, region: str) -> Audience:
    key = f"audiences.{name}"
    if not isinstance(rules, dict):
        raise ConfigError(source, key, "must be a mapping with 'redact' (and optionally 'verified_email')")
    _known(source, key + ".", rules, {"redact", "verified_email"})
    kinds = rules.get("redact", "all")
    if kinds == "all":
        kinds = list(KINDS)
    if not (isinstance(kinds, list) and all(isinstance(k, str) for k in kinds)):
        raise ConfigError(source, f"{key}.redact", f"must be 'all' or a list of kinds ({', '.join(KINDS)})")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ConfigError(source, f"{key}.redact", f"names '{unknown[0]}', which is not a kind; use {', '.join(KINDS)}")
    if "card_number" not in kinds:
        raise ConfigError(source, f"{key}.redact", "must include card_number: no audience may see a full card "
                                                   "number (PCI DSS)")
    shown = rules.get("verified_email", False)
    if not isinstance(shown, bool):
        raise ConfigError(source, f"{key}.verified_email", f"is {shown!r}; it must be true or false")
    return Audience(name, Redactor(kinds, region), shown)


def _known(source: str, prefix: str, raw: Dict[str, Any], allowed: set) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ConfigError(source, prefix + str(unknown[0]), f"is not a known key; allowed: {', '.join(sorted(allowed))}")


def shop_region(path: Path) -> str:
    """The country of the shop's locale (en-GB -> GB); GB when the file or the locale is absent."""
    try:
        locale = str((yaml.safe_load(path.read_text()) or {}).get("locale", ""))
    except (OSError, yaml.YAMLError, AttributeError):
        return "GB"
    country = locale.replace("_", "-").split("-")[-1] if "-" in locale.replace("_", "-") else ""
    return country.upper() if len(country) == 2 and country.isalpha() else "GB"
