"""Name matching across Arabic and Latin scripts (and others through transliteration).

Public interface: `compare(a, b) -> NameScore` and `DEFAULT_THRESHOLD`, the score above which
two names should be reported as a possible match, calibrated on development data so that one
threshold serves all script combinations.
"""

from taawun.compiled import use_compiled

use_compiled(__name__, __path__)  # first: the compiled modules, when built from these sources

from taawun.names.scoring import NameScore, TokenMatch, analyse_name, compare, name_score  # noqa: E402

DEFAULT_THRESHOLD = 0.88

__all__ = ["DEFAULT_THRESHOLD", "NameScore", "TokenMatch", "analyse_name", "compare", "name_score"]
