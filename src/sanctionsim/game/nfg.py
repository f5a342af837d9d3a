"""Read and write Gambit's strategic-form game files (``.nfg``).

The format is described in Gambit's documentation, "The strategic game (.nfg) file format"
(McKelvey, McLennan & Turocy, *Gambit: Software Tools for Game Theory*). A file is::

    NFG 1 R "title" { "Player 1" "Player 2" } { 2 2 }     <- or { { "a" "b" } { "c" "d" } }
    "optional comment"
    <payoff body>

and the body is either the *payoff-vector* form (``n`` payoffs per contingency, the first
player's strategy changing fastest) or the *outcome-list* form: a ``{ ... }`` list of outcomes
``{ "name" p1, p2, ... }`` followed by one outcome number per contingency (``0`` is the null
outcome, all payoffs zero). Numbers are integers, decimals (``1.5``, ``2e-3``) or rationals
(``3/2``). Strings are double-quoted; ``\\"`` and ``\\\\`` are escapes.

Every malformed input raises :class:`~sanctionsim.errors.GameFormatError` with the file, line
and column; nothing else escapes :func:`read_nfg` / :func:`parse_nfg`.

>>> g = parse_nfg('NFG 1 R "PD" { "Row" "Col" } { 2 2 } 3 3 5 0 0 5 1 1')
>>> g.shape, g.players, g.payoffs[1, 0].tolist()
((2, 2), ('Row', 'Col'), [5.0, 0.0])
>>> parse_nfg(write_nfg(g)) == g
True
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from sanctionsim.errors import GameFormatError
from sanctionsim.game.normal_form import Game

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PROFILES = 4_000_000
MAX_PLAYERS = 64

# One master pattern; the order matters (numbers before bare words). Strings allow any
# character except an unescaped quote; escapes are resolved after matching.
_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\n\f\v]+)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:/\d+)?)(?![A-Za-z0-9_.])
  | (?P<badnumber>[+-]?[0-9.][0-9A-Za-z_./+-]*)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<comma>,)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<unterminated>"(?:[^"\\]|\\.)*\\?\Z)
  | (?P<bad>.)
    """,
    re.VERBOSE | re.DOTALL | re.ASCII,
)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    offset: int


class _Parser:
    """A recursive-descent parser over the token stream, with located errors."""

    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self._newlines = [m.start() for m in re.finditer("\n", text)]
        self.tokens = list(self._tokenize())
        self.pos = 0

    # -------------------------------------------------------------- locations and errors
    def where(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_left(self._newlines, offset)
        start = self._newlines[line - 1] + 1 if line else 0
        return line + 1, offset - start + 1

    def error(self, message: str, offset: int | None = None) -> GameFormatError:
        if offset is None:
            offset = self.tokens[self.pos].offset if self.pos < len(self.tokens) else len(self.text)
        line, column = self.where(offset)
        return GameFormatError.single(self.file, message, line=line, column=column)

    def _tokenize(self) -> Iterator[_Token]:
        for match in _TOKEN.finditer(self.text):
            kind = match.lastgroup or "bad"
            if kind == "ws":
                continue
            if kind == "unterminated":
                raise self.error("unterminated string", match.start())
            if kind == "badnumber":
                raise self.error(f"invalid number {match.group()!r}", match.start())
            if kind == "bad":
                raise self.error(f"unexpected character {match.group()!r}", match.start())
            yield _Token(kind, match.group(), match.start())

    # -------------------------------------------------------------- primitives
    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def next(self, expected: str) -> _Token:
        token = self.peek()
        if token is None:
            raise self.error(f"unexpected end of file, expected {expected}")
        self.pos += 1
        return token

    def expect(self, kind: str, expected: str) -> _Token:
        token = self.next(expected)
        if token.kind != kind:
            self.pos -= 1
            raise self.error(f"expected {expected}, found {token.text!r}")
        return token

    def string(self, expected: str) -> str:
        token = self.expect("string", expected)
        return _ESCAPE.sub(lambda m: m.group(1), token.text[1:-1])

    def number(self, expected: str, exact: bool) -> Fraction | float:
        token = self.expect("number", expected)
        return _number(token.text, exact, lambda msg: self.error(msg, token.offset))

    def at(self, kind: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == kind

    # -------------------------------------------------------------- grammar
    def parse(self) -> Game:
        magic = self.next("'NFG'")
        if magic.text != "NFG":
            self.pos -= 1
            raise self.error(
                f"not a Gambit strategic-form file: expected 'NFG', found {magic.text!r}"
            )
        version = self.expect("number", "version number 1")
        if version.text != "1":
            self.pos -= 1
            raise self.error(f"unsupported .nfg version {version.text!r} (only 1 is supported)")
        kind = self.expect("word", "'R' or 'D'")
        if kind.text not in ("R", "D"):
            self.pos -= 1
            raise self.error(f"expected 'R' (rational) or 'D' (decimal), found {kind.text!r}")
        exact = kind.text == "R"
        title = self.string("the game title (a quoted string)")
        players = self._players()
        strategies = self._strategies(len(players))
        shape = tuple(len(s) for s in strategies)
        n_profiles = 1
        for count in shape:
            n_profiles *= count
        if n_profiles > MAX_PROFILES:
            raise self.error(
                f"game has {n_profiles:,} strategy profiles; the limit is {MAX_PROFILES:,}"
            )
        comment = self.string("") if self.at("string") else ""
        n = len(players)
        if self.at("open"):
            values = self._outcome_body(n, n_profiles, exact)
        else:
            values = self._payoff_body(n, n_profiles, exact)
        if self.peek() is not None:
            raise self.error(f"unexpected {self.tokens[self.pos].text!r} after the payoffs")
        # The file lists contingencies with the first player's strategy changing fastest,
        # i.e. Fortran order over `shape`; our arrays are C order.
        floats = np.array([float(v) for v in values], dtype=np.float64)
        if not np.all(np.isfinite(floats)):
            raise self.error("payoffs must be finite numbers", 0)
        payoffs = floats.reshape((n_profiles, n)).reshape((*shape, n), order="F")
        exact_values: tuple[Fraction, ...] | None = None
        if exact:
            grid = np.arange(n_profiles * n).reshape((n_profiles, n))
            order = grid.reshape((*shape, n), order="F").ravel()
            exact_values = tuple(Fraction(values[k]) for k in order)
        return Game(
            payoffs,
            players=players,
            strategies=strategies,
            title=title,
            comment=comment,
            exact=exact_values,
        )

    def _players(self) -> tuple[str, ...]:
        self.expect("open", "'{' opening the list of player names")
        players: list[str] = []
        while not self.at("close"):
            players.append(self.string("a player name (a quoted string) or '}'"))
        self.pos += 1
        if not players:
            raise self.error("a game needs at least one player", self.tokens[self.pos - 1].offset)
        if len(players) > MAX_PLAYERS:
            raise self.error(f"{len(players)} players; the limit is {MAX_PLAYERS}")
        return tuple(players)

    def _strategies(self, n: int) -> tuple[tuple[str, ...], ...]:
        start = self.expect("open", "'{' opening the strategy counts or names").offset
        strategies: list[tuple[str, ...]] = []
        if self.at("open"):
            while self.at("open"):
                self.pos += 1
                labels: list[str] = []
                while not self.at("close"):
                    labels.append(self.string("a strategy name (a quoted string) or '}'"))
                self.pos += 1
                strategies.append(tuple(labels))
            self.expect("close", "'}' closing the strategy lists")
        else:
            while not self.at("close"):
                token = self.expect("number", "a strategy count or '}'")
                if not token.text.isdigit():
                    self.pos -= 1
                    raise self.error(
                        f"strategy count must be a positive integer, found {token.text!r}"
                    )
                count = int(token.text)
                if count > MAX_PROFILES:
                    self.pos -= 1
                    raise self.error(f"{count:,} strategies; the limit is {MAX_PROFILES:,}")
                strategies.append(tuple(str(k + 1) for k in range(count)))
            self.pos += 1
        if len(strategies) != n:
            raise self.error(f"{n} players but strategies given for {len(strategies)}", start)
        for i, names in enumerate(strategies):
            if not names:
                raise self.error(f"player {i + 1} has no strategies", start)
        return tuple(strategies)

    def _payoff_body(self, n: int, n_profiles: int, exact: bool) -> list[Fraction | float]:
        values: list[Fraction | float] = []
        needed = n_profiles * n
        while len(values) < needed:
            if self.peek() is None:
                raise self.error(
                    f"expected {needed} payoffs ({n_profiles} profiles x {n} "
                    f"players), found {len(values)}"
                )
            values.append(self.number("a payoff number", exact))
        return values

    def _outcome_body(self, n: int, n_profiles: int, exact: bool) -> list[Fraction | float]:
        self.expect("open", "'{' opening the outcome list")
        outcomes: list[list[Fraction | float]] = []
        while self.at("open"):
            self.pos += 1
            self.string("the outcome name (a quoted string)")
            payoffs: list[Fraction | float] = []
            while not self.at("close"):
                if payoffs and self.at("comma"):
                    self.pos += 1
                payoffs.append(
                    self.number(f"a payoff or '}}' (outcome {len(outcomes) + 1})", exact)
                )
            if len(payoffs) != n:
                raise self.error(
                    f"outcome {len(outcomes) + 1} has {len(payoffs)} payoffs, expected {n}"
                )
            self.pos += 1
            outcomes.append(payoffs)
        self.expect("close", "'{' opening an outcome or '}' closing the outcome list")
        zero: list[Fraction | float] = [Fraction(0) if exact else 0.0] * n
        values: list[Fraction | float] = []
        for _ in range(n_profiles):
            token = self.expect(
                "number", f"an outcome number for each of the {n_profiles} profiles"
            )
            if not token.text.isdigit():
                self.pos -= 1
                raise self.error(
                    f"outcome number must be a non-negative integer, found {token.text!r}"
                )
            index = int(token.text)
            if index > len(outcomes):
                self.pos -= 1
                raise self.error(f"outcome {index} does not exist (there are {len(outcomes)})")
            values.extend(outcomes[index - 1] if index else zero)
        return values


def _number(text: str, exact: bool, error: Callable[[str], GameFormatError]) -> Fraction | float:
    """Convert a numeric token; rationals and decimals are exact when ``exact``."""
    try:
        if "/" in text:
            num, den = text.split("/")
            if int(den) == 0:
                raise ValueError("zero denominator")
            value = Fraction(Fraction(num), int(den))
            return value if exact else float(value)
        if exact:
            return Fraction(text)
        result = float(text)
    except (ValueError, ZeroDivisionError, OverflowError) as exc:
        raise error(f"invalid number {text!r}: {exc}") from None
    if not np.isfinite(result):
        raise error(f"number {text!r} is out of range")
    return result


def parse_nfg(text: str, file: str = "<string>") -> Game:
    """Parse the text of a Gambit ``.nfg`` file into a :class:`Game`.

    Raises :class:`~sanctionsim.errors.GameFormatError` (file, line, column, message) on any
    malformed input.
    """
    if len(text) > MAX_FILE_BYTES:
        raise GameFormatError.single(
            file, f"file is larger than the {MAX_FILE_BYTES // 2**20} MB limit"
        )
    try:
        return _Parser(text, file).parse()
    except RecursionError:  # pragma: no cover - the grammar is not recursive
        raise GameFormatError.single(file, "input nests too deeply", line=1, column=1) from None
    except (ValueError, OverflowError) as exc:
        # Game() validates shapes and finiteness; surface anything it rejects as a format
        # error rather than a bare ValueError.
        raise GameFormatError.single(file, str(exc), line=1, column=1) from None


def read_nfg(path: str | Path) -> Game:
    """Read a Gambit ``.nfg`` file; every problem becomes a located ``GameFormatError``."""
    name = str(path)
    file = Path(path)
    try:
        if file.is_dir():
            raise GameFormatError.single(name, "is a directory, not a .nfg file", line=1, column=1)
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise GameFormatError.single(
                name, f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES // 2**20} MB"
            )
        data = file.read_bytes()
    except FileNotFoundError:
        raise GameFormatError.single(name, "no such file", line=1, column=1) from None
    except OSError as exc:
        raise GameFormatError.single(
            name, f"cannot read file: {exc.strerror or exc}", line=1, column=1
        ) from None
    if b"\x00" in data:
        raise GameFormatError.single(name, "binary file, not a .nfg text file", line=1, column=1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise GameFormatError.single(
            name, "file is not UTF-8 text", line=line, column=column
        ) from None
    if not text.strip():
        raise GameFormatError.single(
            name, "empty file, expected a Gambit .nfg game", line=1, column=1
        )
    return parse_nfg(text, name)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_nfg(game: Game) -> str:
    """The game as Gambit ``.nfg`` text (payoff-vector form).

    Exact payoffs are written as rationals under an ``R`` header; float-only games are written
    with ``repr`` (which round-trips every float64) under a ``D`` header, so that
    ``parse_nfg(write_nfg(g)) == g``.
    """
    shape = game.shape
    n = game.n_players
    kind = "R" if game.exact is not None else "D"
    players = " ".join(_quote(p) for p in game.players)
    lines = [
        f"NFG 1 {kind} {_quote(game.title)} {{ {players} }}",
        "",
        "{ "
        + "\n  ".join("{ " + " ".join(_quote(s) for s in names) + " }" for names in game.strategies)
        + "\n}",
        _quote(game.comment),
        "",
    ]
    # Gambit order: first player's strategy fastest, i.e. Fortran order over the profiles.
    order = np.arange(game.payoffs.size).reshape(game.payoffs.shape)
    order = order.reshape((*shape, n)).reshape((-1, n), order="F")
    if game.exact is not None:
        exact = game.exact
        body = [" ".join(str(exact[k]) for k in row) for row in order]
    else:
        flat = game.payoffs.ravel()
        body = [" ".join(repr(float(flat[k])) for k in row) for row in order]
    return "\n".join(lines + body) + "\n"
