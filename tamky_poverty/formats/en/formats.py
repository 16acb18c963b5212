# English pages keep the Vietnamese formats: dates dd/mm/yyyy, dot thousands.
from tamky_poverty.formats.vi.formats import *  # noqa: F403
