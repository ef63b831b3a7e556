"""Plausible Chinese personal names and obviously fake mobile numbers (1390000xxxx) for demo people."""

import random

# Common surnames in Xiamen, most frequent first (陈、林、黄 … dominate southern Fujian).
SURNAMES = tuple(
    "陈 林 黄 李 王 张 吴 蔡 郑 刘 洪 杨 许 谢 郭 曾 苏 庄 叶 周 柯 卢 邱 施 方 颜 江 赖 何 朱 高 胡 彭 詹 余 姚".split()
)
SURNAME_WEIGHTS = tuple(max(1, 40 - 2 * i) for i in range(len(SURNAMES)))
GIVEN_MALE = tuple(
    "伟 强 磊 军 勇 杰 涛 斌 超 明 辉 鹏 华 建 志 俊 文 国 海 荣 毅 锋 平 晨 宇 凯 智 坤 晓 嘉".split()
)
GIVEN_FEMALE = tuple(
    "芳 娜 敏 静 丽 艳 婷 玲 霞 燕 颖 洁 琳 慧 雪 萍 莉 欣 倩 佳 璐 雅 晶 蓉 丹 秀 梅 瑜 思 怡".split()
)

FAKE_MOBILE_PREFIX = "1390000"  # 139-0000-xxxx: reads as a placeholder; used only for demo people


def person_name(rng: random.Random) -> str:
    surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
    given = GIVEN_FEMALE if rng.random() < 0.45 else GIVEN_MALE
    length = 1 if rng.random() < 0.25 else 2
    return surname + "".join(rng.choice(given) for _ in range(length))


class PhoneBook:
    """Hands out distinct fake mobiles in a seeded order; the number identifies a demo person."""

    def __init__(self, seed: int):
        self._numbers = list(range(10_000))
        random.Random(f"{seed}:phones").shuffle(self._numbers)
        self._next = 0

    def next(self) -> str:
        if self._next >= len(self._numbers):
            raise RuntimeError("演示手机号已用尽（最多 10000 个）。")
        number = self._numbers[self._next]
        self._next += 1
        return f"{FAKE_MOBILE_PREFIX}{number:04d}"
