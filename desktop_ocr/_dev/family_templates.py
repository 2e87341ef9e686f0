"""Chat templates of the profiled families, for the tiny test checkpoints.

Each renders what the family's shipped template renders for the app's messages (one image
first, text turns, a generation prompt); the tools, video and system-prompt branches of the
real templates are left out, since the app never sends them. What each renders is pinned
against the hub files' own renderings in tests/engine/test_family_hub_files.py.
"""

from .checkpoint import CHAT_TEMPLATE

# Qwen2.5-VL ships Qwen2-VL's template (with its default system prompt).
QWEN2_VL = CHAT_TEMPLATE

# Qwen3-VL Instruct: no default system prompt.
QWEN3_VL = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}{% else %}"
    "{% for content in message['content'] %}"
    "{% if content['type'] == 'image' or 'image' in content %}<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif 'text' in content %}{{ content['text'] }}{% endif %}{% endfor %}{% endif %}"
    "<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def _paddle_template(answer_prefix: str) -> str:
    """PaddleOCR-VL's ERNIE-4.5 style "User: …\\n" turns; answers start with `answer_prefix`.

    An answer closes with "</s>", the eos token (the hub's chat_template.jinja sets eos_token,
    not the sep token, after it). Newlines are expressions: apply_chat_template's trim_blocks
    drops one written after a tag.
    """
    return (
        "<|begin_of_sentence|>{% for message in messages %}"
        "{% if message['role'] == 'user' %}User: "
        "{% for content in message['content'] %}"
        "{% if content['type'] == 'image' %}<|IMAGE_START|><|IMAGE_PLACEHOLDER|><|IMAGE_END|>"
        "{% elif content['type'] == 'text' %}{{ content['text'] }}{% endif %}{% endfor %}{{ '\\n' }}"
        "{% elif message['role'] == 'assistant' %}"
        + answer_prefix
        + "{% for content in message['content'] %}{{ content['text'] }}{% endfor %}</s>"
        "{% endif %}{% endfor %}{% if add_generation_prompt %}" + answer_prefix + "{% endif %}"
    )


# PaddleOCR-VL: "Assistant: " (a space) opens the answer.
PADDLEOCR_VL = _paddle_template("Assistant: ")
# PaddleOCR-VL-1.5 updated the template: "Assistant:" is followed by a newline, not a space
# (PaddleFormers' PaddleOCR-VL-1.5 fine-tuning guide registers it as "paddleocr_vl_v15").
PADDLEOCR_VL_1_5 = _paddle_template("Assistant:{{ '\\n' }}")

# GLM-OCR (GLM-4.1V style): the answer follows "<|assistant|>\n".
GLM_OCR = (
    "[gMASK]<sop>{% for message in messages %}<|{{ message['role'] }}|>\n"
    "{% for content in message['content'] %}"
    "{% if content['type'] == 'image' %}<|begin_of_image|><|image|><|end_of_image|>"
    "{% elif content['type'] == 'text' %}{{ content['text'] }}{% endif %}{% endfor %}"
    "{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)

# LightOnOCR-2: an empty system turn (no newline after "system"), then the image alone as
# Qwen's <|image_pad|> (its processor expands that token; <|vision_pad|> breaks the rows).
LIGHTON_OCR = (
    "<|im_start|>system<|im_end|>\n"
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{% for content in message['content'] %}"
    "{% if content['type'] == 'image' %}<|image_pad|>"
    "{% elif content['type'] == 'text' %}{{ content['text'] }}{% endif %}{% endfor %}"
    "<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
