"""Function words of the question languages: the words a question is built with, not what it asks about.

Closed classes only (question words, articles, pronouns, auxiliaries and modals, prepositions,
conjunctions, a few particles), compared after ``norm``, so that they can be told from
the content words a passage has to speak about ("Einwohner" in "Wie viele Einwohner hat Hanoi?").
"""

from __future__ import annotations

from rag.text.normalise import fold

_WORDS = {
    "en": """
        what which who whom whose when where why how much many long often the a an of to in on at by for
        with from into about as and or but not no is are was were be been being do does did done has have
        had will would shall should can could may might must it its this that these those there their they
        them he she his her we our you your i me my one ones any some kind type
        """,
    "de": """
        was welche welcher welches welchen welchem wer wen wem wessen wann wo woher wohin warum weshalb wie
        viel viele vielen wieviel wozu womit wofür worauf worüber der die das den dem des ein eine einer
        eines einem einen und oder aber nicht kein keine von zu zur zum in im ins an am auf aus bei mit nach
        seit für gegen um über unter vor hinter zwischen durch bis als wie ist sind war waren sein wird
        werden wurde wurden worden hat haben hatte hatten habe soll sollen sollte will wollen wollte kann
        können konnte muss müssen darf dürfen mag es er sie ihr ihre ihren ihrem ihrer sein seine seinen
        seinem seiner sich man dies diese dieser dieses diesem jene laut denn doch noch schon auch nur
        """,
    "id": """
        apa apakah siapa siapakah kapan kapankah mana manakah dimana di ke dari mengapa kenapa bagaimana
        berapa berapakah seberapa yang dan atau tetapi tapi tidak bukan belum sudah telah akan sedang dengan
        untuk pada dalam oleh tentang sebagai antara terhadap kepada bagi saja juga ini itu tersebut adalah
        ialah merupakan ada para sang nya ia dia mereka kami kita anda se
        """,
    "el": """
        τι ποιος ποια ποιο ποιοι ποιες ποιου ποιων ποιον ποιους πότε πού γιατί πώς πόσο πόση πόσα πόσοι
        πόσες πόσους πόσων ο η το οι τα του της των τον την τους τις ένας μία μια ένα ενός μιας και ή αλλά
        δεν μη μην με σε στο στη στην στον στα στους στις στου στης από για προς κατά μετά χωρίς ως ότι
        που είναι ήταν θα να έχει έχουν είχε είχαν έχει αυτό αυτή αυτός αυτά αυτές αυτοί τους της μας σας
        """,
    "hi": """
        क्या कौन कौनसा कौनसी कौनसे किस किसे किसी किसके किसकी किसको किसने किन किनके किनकी किन्हें कब कहाँ
        कहां क्यों कैसे कैसा कैसी कितना कितनी कितने का की के को में से पर ने तक और या लेकिन नहीं न है हैं
        था थी थे थीं हो होता होती होते होना हुआ हुई हुए गया गई गए गयी किया किए किये की करना करता करती
        करते कर करके कर रहा रही रहे साथ लिए द्वारा बारे यह ये वह वे इस उस इन उन इसका उसका अपने अपनी अपना
        एक भी ही तो
        """,
    "vi": """
        gì nào ai khi bao giờ đâu sao tại vì thế như làm bao nhiêu mấy là của và hoặc nhưng không chưa đã
        đang sẽ được bị có với cho trong tại từ về đến theo bởi các những một này đó kia ấy họ nó chúng
        """,
    "fr": """
        que quoi qui quel quelle quels quelles quand où pourquoi comment combien le la les un une des du de
        d l à au aux en dans sur sous avec pour par et ou mais ne pas est sont était été être a ont avait
        sera il elle ils elles ce cette ces son sa ses leur leurs se
        """,
    "es": """
        qué que quién quiénes cuál cuáles cuándo dónde por porqué cómo cuánto cuánta cuántos cuántas el la
        los las un una unos unas de del a al en con para sin sobre y o pero no es son era fue ha han había
        será ser está están se su sus este esta estos estas ese esa lo
        """,
}


def norm(word: str) -> str:
    """Casefolded, Latin and Greek accents dropped; Devanagari vowel signs kept (they tell words apart)."""
    return fold(word, "accents")


FUNCTION_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(norm(w) for w in words.split()) for lang, words in _WORDS.items()
}


def is_function_word(word: str, language: str) -> bool:
    """Whether ``word`` (any case) is a function word of ``language``; unknown languages have none."""
    return norm(word) in FUNCTION_WORDS.get(language, frozenset())
