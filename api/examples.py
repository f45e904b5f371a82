"""OpenAPI request examples (the console values in them are made up)."""

from __future__ import annotations

from typing import Any

SUGGEST_EXAMPLES: dict[str, dict[str, Any]] = {
    "pet_phone_window_closed": {
        "summary": "펫: 5일 전 운행완료, 기사 연락처 요청",
        "value": {
            "question": "펫 5일 전 운행완료 건인데 고객님이 기사 번호를 알려달래요",
            "case": {
                "service": "pet",
                "request": "driver_phone",
                "ride_status": "completed",
                "days_since_ride": 5,
                "driver_phone": "010-0000-0000",
            },
        },
    },
    "daeri_statement": {
        "summary": "대리: 이용내역서를 다른 이메일로",
        "value": {
            "question": "대리 이용내역서를 회사 메일로 받고 싶대요",
            "case": {"service": "daeri", "request": "usage_statement", "alt_recipient": True},
        },
    },
}

GUARD_EXAMPLES: dict[str, dict[str, Any]] = {
    "phone_outside_window": {
        "summary": "3일이 지난 건에 기사 번호를 안내하는 초안",
        "value": {
            "draft": "기사님 연락처는 010-0000-0000입니다.",
            "case": {"service": "pet", "ride_status": "completed", "days_since_ride": 6},
        },
    },
    "safe_connection": {
        "summary": "안심연결 안내 (허용)",
        "value": {
            "draft": "안심연결의 발신번호는 1551-5009로 적용됩니다.",
            "case": {"service": "pet", "reason": "lost_item", "days_since_ride": 9},
        },
    },
}

SEARCH_EXAMPLES: dict[str, dict[str, Any]] = {
    "statement": {
        "summary": "이용내역서 발급 절차",
        "value": {"question": "대리 이용내역서 발급 방법", "k": 4},
    }
}

FEEDBACK_EXAMPLES: dict[str, dict[str, Any]] = {
    "thumbs_up": {
        "summary": "좋아요",
        "value": {
            "rating": "up",
            "question": "펫 기사 번호 요청",
            "reply": "…",
            "chunk_ids": ["004_2b128af64891507b.txt#0005"],
        },
    }
}
