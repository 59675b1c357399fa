"""What a detector reports: entities, their metadata, and findings.

Every entity maps to a Fides (fideslang) data category and, where the
default pivault policy has one, to a policy category key. A finding whose
entity has no policy counterpart (``policy_category is None``) is what the
scanner calls *policy drift*: personal data the policy does not declare.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Entity(StrEnum):
    """Kinds of personal value the detectors recognise."""

    CN_MOBILE = "CN_MOBILE"
    CN_LANDLINE = "CN_LANDLINE"
    CN_RESIDENT_ID = "CN_RESIDENT_ID"
    BANK_CARD = "BANK_CARD"
    CN_USCC = "CN_USCC"
    CN_PASSPORT = "CN_PASSPORT"
    CN_TRAVEL_PERMIT = "CN_TRAVEL_PERMIT"
    CN_LICENSE_PLATE = "CN_LICENSE_PLATE"
    EMAIL = "EMAIL"
    IPV4 = "IPV4"
    IPV6 = "IPV6"
    URL = "URL"
    GPS = "GPS"
    IMEI = "IMEI"
    MAC_ADDRESS = "MAC_ADDRESS"
    ANDROID_ID = "ANDROID_ID"
    ADVERTISING_ID = "ADVERTISING_ID"
    CN_PERSON_NAME = "CN_PERSON_NAME"
    PERSON_NAME = "PERSON_NAME"
    CN_ADDRESS = "CN_ADDRESS"
    PHONE_NUMBER = "PHONE_NUMBER"
    HK_MO_TW_PHONE = "HK_MO_TW_PHONE"
    HK_ID = "HK_ID"
    MACAU_ID = "MACAU_ID"
    TAIWAN_ID = "TAIWAN_ID"
    IBAN = "IBAN"
    US_SSN = "US_SSN"
    UK_NINO = "UK_NINO"


@dataclass(frozen=True, slots=True)
class EntityInfo:
    """Static facts about one entity: its tag, its Fides category, its policy key."""

    tag: str
    fides_category: str
    policy_category: str | None
    description: str


ENTITY_INFO: dict[Entity, EntityInfo] = {
    Entity.CN_MOBILE: EntityInfo(
        "PHONE", "user.contact.phone_number", "account.phone", "mainland mobile number"
    ),
    Entity.CN_LANDLINE: EntityInfo(
        "PHONE", "user.contact.phone_number", "survey.phone", "mainland fixed-line number"
    ),
    Entity.CN_RESIDENT_ID: EntityInfo(
        "ID",
        "user.government_id.national_identification_number",
        None,
        "resident identity card number (GB 11643-1999), incl. HK/Macau/Taiwan residence permits",
    ),
    Entity.BANK_CARD: EntityInfo(
        "BANK_CARD", "user.financial.bank_account", None, "payment card number, every brand (Luhn)"
    ),
    Entity.CN_USCC: EntityInfo(
        "USCC", "user.government_id", None, "unified social credit code (GB 32100-2015)"
    ),
    Entity.CN_PASSPORT: EntityInfo(
        "PASSPORT", "user.government_id.passport_number", None, "PRC passport number"
    ),
    Entity.CN_TRAVEL_PERMIT: EntityInfo(
        "PERMIT",
        "user.government_id.immigration",
        None,
        "Hong Kong/Macau/Taiwan travel or home-return permit number",
    ),
    Entity.CN_LICENSE_PLATE: EntityInfo(
        "PLATE", "user.government_id.vehicle_registration", None, "vehicle licence plate"
    ),
    Entity.EMAIL: EntityInfo("EMAIL", "user.contact.email", None, "e-mail address"),
    Entity.IPV4: EntityInfo("IP", "user.device.ip_address", "network.ip", "IPv4 address"),
    Entity.IPV6: EntityInfo("IP", "user.device.ip_address", "network.ip", "IPv6 address"),
    Entity.URL: EntityInfo("URL", "user.contact.url", None, "http(s) or www URL"),
    Entity.GPS: EntityInfo(
        "GPS", "user.location.precise", "location.precise", "decimal GPS coordinates"
    ),
    Entity.IMEI: EntityInfo("IMEI", "user.device.device_id", "device.id", "IMEI (Luhn-checked)"),
    Entity.MAC_ADDRESS: EntityInfo(
        "MAC", "user.device.device_id", "device.id", "MAC hardware address"
    ),
    Entity.ANDROID_ID: EntityInfo(
        "DEVICE_ID", "user.device.device_id", "device.id", "Android ID (16 hex)"
    ),
    Entity.ADVERTISING_ID: EntityInfo(
        "AD_ID", "user.device.device_id", "device.id", "advertising id (IDFA or OAID)"
    ),
    Entity.CN_PERSON_NAME: EntityInfo(
        "NAME", "user.name", "survey.name", "Chinese personal name (Hanzi or pinyin)"
    ),
    Entity.PERSON_NAME: EntityInfo(
        "NAME", "user.name", "survey.name", "personal name in Latin script"
    ),
    Entity.CN_ADDRESS: EntityInfo(
        "ADDRESS", "user.contact.address", "survey.home_address", "mainland postal address"
    ),
    # Entities added for international parity have no policy key of their own:
    # the scanner maps them through their Fides category (policy drift if none).
    Entity.PHONE_NUMBER: EntityInfo(
        "PHONE", "user.contact.phone_number", None, "phone number outside Greater China"
    ),
    Entity.HK_MO_TW_PHONE: EntityInfo(
        "PHONE", "user.contact.phone_number", None, "Hong Kong, Macau or Taiwan phone number"
    ),
    Entity.HK_ID: EntityInfo(
        "ID",
        "user.government_id.national_identification_number",
        None,
        "Hong Kong identity card number (check character verified)",
    ),
    Entity.MACAU_ID: EntityInfo(
        "ID",
        "user.government_id.national_identification_number",
        None,
        "Macau resident identity card number",
    ),
    Entity.TAIWAN_ID: EntityInfo(
        "ID",
        "user.government_id.national_identification_number",
        None,
        "Taiwan national identification number (checksum verified)",
    ),
    Entity.IBAN: EntityInfo(
        "BANK_ACCOUNT", "user.financial.bank_account", None, "IBAN (ISO 13616, mod-97 checked)"
    ),
    Entity.US_SSN: EntityInfo(
        "ID",
        "user.government_id.national_identification_number",
        None,
        "US social security number",
    ),
    Entity.UK_NINO: EntityInfo(
        "ID",
        "user.government_id.national_identification_number",
        None,
        "UK National Insurance number",
    ),
}

#: Policy key for the location removed from a photo's EXIF (see :mod:`pivault.detect.images`).
PHOTO_GEOTAG_POLICY_CATEGORY = "location.precise.photo_geotag"


@dataclass(frozen=True, slots=True)
class Finding:
    """One personal value found in a text.

    ``start``/``end`` index code points of the ORIGINAL text (end exclusive), so
    ``text[f.start:f.end] == f.value``. ``value`` is left out of ``repr`` so that
    logging a finding never logs the personal value.
    """

    entity: Entity
    start: int
    end: int
    score: float
    recognizer: str
    value: str = field(repr=False)

    @property
    def fides_category(self) -> str:
        """The fideslang data category, e.g. ``user.contact.phone_number``."""
        return ENTITY_INFO[self.entity].fides_category

    @property
    def policy_category(self) -> str | None:
        """The pivault default-policy category key, or None (policy drift)."""
        return ENTITY_INFO[self.entity].policy_category

    @property
    def tag(self) -> str:
        """The short tag used by the replace operator, e.g. ``PHONE``."""
        return ENTITY_INFO[self.entity].tag

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready description WITHOUT the value itself."""
        return {
            "entity": self.entity.value,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 3),
            "recognizer": self.recognizer,
            "fides_category": self.fides_category,
            "policy_category": self.policy_category,
        }
