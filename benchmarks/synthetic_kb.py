"""A synthetic knowledge base of playbook-like documents, for measuring cost against size.

The documents follow the structure of the real playbooks (title, 목차, a 정책 block in a code
fence, Q blocks with an underline, [상태값] / [요구] headings, numbered situations with day
ranges, ①/② sub-situations, [case N] blocks and chat / phone tables) for other services (택시,
바이크, 주차, 퀵, …), with sentences varied from phrase pools so that BM25 and the embedder see
realistic, non-identical text. Deterministic for a given seed.

    python -m benchmarks.synthetic_kb OUT_DIR --chunks 1000 [--seed 7]
"""

from __future__ import annotations

import argparse
import hashlib
import random
from dataclasses import dataclass
from pathlib import Path

from ingest.chunker import chunk_document

SERVICES = (
    "택시", "블루", "벤티", "모범택시", "바이크", "킥보드", "주차", "퀵", "대리", "펫",
    "셔틀", "렌터카", "시외버스", "기차", "항공", "내비", "트럭", "발렛", "카풀", "전기차 충전",
)  # fmt: skip
TOPICS = (
    ("분실물 접수", "분실물"), ("요금 환불", "환불"), ("예약 취소", "취소 수수료"),
    ("영수증 발급", "영수증"), ("기사 연락처 요청", "연락처"), ("쿠폰 사용", "쿠폰"),
    ("결제수단 변경", "결제수단"), ("사고 접수", "사고"), ("불친절 신고", "신고"),
    ("이용권 해지", "이용권"), ("보증금 반환", "보증금"), ("주차권 정산", "정산"),
    ("배송 지연", "배송"), ("파손 보상", "보상"), ("포인트 소멸", "포인트"),
    ("차량번호 확인", "차량번호"), ("이용내역서 발급", "이용내역서"),
    ("회원 정보 변경", "회원정보"),
)  # fmt: skip
STATUSES = ("운행중", "운행완료", "배차 전 취소", "배차 후 취소", "이용중", "반납완료", "결제완료")
REASONS = ("분실물", "운행 중 사고발생", "운임 미지급", "맞춤예약", "중복 결제", "앱 오류", "파손")
CHANNELS = ("채팅", "전화")
OPENERS = (
    "불편을 드려 죄송합니다.", "문의 주셔서 감사합니다.", "확인 후 안내드리겠습니다.",
    "기다려 주셔서 감사합니다.", "많이 당황하셨을 것 같아요.",
)  # fmt: skip
ACTIONS = (
    "카카오 T 앱 - [내 정보] - [이용기록]에서 {obj} 확인이 가능해요.",
    "{obj} 관련 내용은 담당부서로 접수 후 연락드리겠습니다.",
    "{obj} 처리를 위해 이용 일시와 결제 수단 확인 부탁드립니다.",
    "{obj}은(는) 본인 확인 후 이메일로 안내해 드리고 있어요.",
    "요청하신 {obj} 정보는 본인 동의 없이 제공이 어려운 점 양해 부탁드립니다.",
    "{obj} 신청은 앱 고객센터 메뉴에서 직접 접수하실 수 있어요.",
    "접수된 {obj} 건은 영업일 기준 {n}일 이내 처리될 예정이에요.",
    "{obj} 확인을 위해 기사님께 동의 여부를 확인한 뒤 연락드리겠습니다.",
)
CLOSERS = (
    "연락까지 시간이 다소 소요될 수 있는 점 양해 부탁드립니다.",
    "추가로 궁금하신 점은 언제든 문의해 주세요.",
    "순차적으로 처리되니 시간 여유 두시고 확인 부탁드립니다.",
    "고객님의 정보는 동의 없이 제3자에게 제공하지 않습니다.",
)
RULE = "─" * 60


@dataclass(frozen=True)
class SyntheticDoc:
    name: str
    text: str
    chunks: int
    question: str  # an agent question this document answers


def _script(rng: random.Random, obj: str, sentences: int) -> str:
    lines = [rng.choice(OPENERS)]
    for _ in range(sentences):
        lines.append(rng.choice(ACTIONS).format(obj=obj, n=rng.randint(2, 14)))
    lines.append(rng.choice(CLOSERS))
    return "  \n".join(lines)


def _situations(rng: random.Random, obj: str) -> list[str]:
    d1 = rng.choice((1, 3, 5, 7))
    d2 = rng.choice((14, 30, 60, 90))
    reasons = ", ".join(rng.sample(REASONS, 3))
    return [
        f"**1. 이용 {d1}일 이내**\n\n{_script(rng, obj, 2)}",
        f"**2. 이용 {d1}일 이내 (이용기록 삭제 등의 사유로 확인불가)**  \n{_script(rng, obj, 1)}",
        f"**3. 이용 {d1}일 이후 ~ {d2}일 이내**\n\n**① {reasons}을 위해 필요한 경우**\n\n"
        f"{_script(rng, obj, 2)}\n\n**② 기타 상황 (정보 제공 기간 경과)**\n\n"
        f"{_script(rng, obj, 1)}",
        f"**4. 이용 {d2}일 이후**\n\n{_script(rng, obj, 1)}",
    ]


def _table(rng: random.Random, obj: str) -> str:
    cells = [_script(rng, obj, 1).replace("  \n", " ") for _ in CHANNELS]
    rows = [f"| **{ch}** | {cell} |" for ch, cell in zip(CHANNELS, cells, strict=True)]
    return "|  |  |\n| --- | --- |\n" + "\n".join(rows)


def make_document(rng: random.Random, index: int) -> tuple[str, str]:
    """(title, text) of one playbook-like document."""
    service = rng.choice(SERVICES)
    topic, obj = rng.choice(TOPICS)
    title = f"{service} {topic} 문의"
    status_a, status_b = rng.sample(STATUSES, 2)
    questions = [f"{obj} 관련 문의예요", f"{obj} 확인해 주세요", f"{obj} 요청드려요"]
    parts = [
        f"# {title} ({index})",
        "* **목차**",
        f"1. [상태값: {status_a}] {questions[0]}\n2. [상태값: {status_b}] {questions[1]}",
        "**[정책 및 참고사항]**",
        "```\n"
        f"① {obj} 제공(상태값: {status_a}) 기준  \n"
        f"  - {rng.choice((3, 7))}일 이내 : 앱 내 이용기록을 통해 안내  \n"
        f"  - {rng.choice((14, 30))}일 이후 : {obj} 확인 불가  \n"
        f"② 예외: {', '.join(rng.sample(REASONS, 2))}의 경우 OB이관 후 처리\n```",
        RULE,
    ]
    for q in range(1, rng.randint(2, 3) + 1):
        question = rng.choice(questions)
        parts += [
            f"**Q{q}. {service} {question}**\n----------------------",
            f"**상담유형: {service}\\_승객 ▶ {topic} ▶ 기타**",
            f"{obj}이(가) 필요하신 사유를 말씀해 주실 수 있으실까요?",
            f"**[{obj} 요구][상태값: {rng.choice((status_a, status_b))}]**",
            *_situations(rng, obj),
            RULE,
            f"**[case {q}] {rng.choice(REASONS)} - {obj} 안내**",
            _script(rng, obj, 2),
            _table(rng, obj),
            RULE,
        ]
    return title, "\n\n".join(parts) + "\n"


def generate_kb(out_dir: Path, target_chunks: int, seed: int = 7) -> list[SyntheticDoc]:
    """Write documents into ``out_dir`` until the real chunker yields ``target_chunks``."""
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    docs: list[SyntheticDoc] = []
    total = 0
    index = 0
    while total < target_chunks:
        title, text = make_document(rng, index)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        name = f"{index:05d}_{digest}.txt"
        n = len(chunk_document(name, text))
        (out_dir / name).write_text(text, encoding="utf-8")
        topic_obj = title.split(" ", 1)[1].removesuffix(" 문의")
        question = f"{title.split(' ', 1)[0]} {topic_obj} 어떻게 하나요 {index}번 문서"
        docs.append(SyntheticDoc(name=name, text=text, chunks=n, question=question))
        total += n
        index += 1
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--chunks", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    docs = generate_kb(args.out_dir, args.chunks, args.seed)
    print(f"{len(docs)} documents, {sum(d.chunks for d in docs)} chunks in {args.out_dir}")


if __name__ == "__main__":
    main()
