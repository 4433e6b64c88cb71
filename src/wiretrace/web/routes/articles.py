"""/api/articles: store articles (then analyse) and read one back."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from wiretrace.web.context import Context, Writer
from wiretrace.web.schemas import AddArticlesOut, ArticleBatchIn, ArticleIn, ArticleTextOut
from wiretrace.web.views import (
    add_and_analyze,
    analysis_to_counts,
    article_detail,
    article_from_input,
    ingest_to_dict,
)

router = APIRouter(prefix="/api/articles", tags=["articles"])


@router.post("", response_model=AddArticlesOut)
def add_articles(body: ArticleIn | ArticleBatchIn, context: Writer) -> dict[str, Any]:
    """Store one article or a batch, analyse incrementally, and place each one.

    Each article comes back with its family, its source (its parent in the
    family's graph) and its relation to that source.
    """
    items = body.articles if isinstance(body, ArticleBatchIn) else [body]
    limit = context.service.settings.text.max_chars
    articles = [article_from_input(item, limit) for item in items]
    with context.write_lock:
        ingested, analysis, placed = add_and_analyze(context.service, articles)
    return {
        "ingest": ingest_to_dict(ingested),
        "analysis": analysis_to_counts(analysis),
        "articles": placed,
    }


@router.get("/{article_id}", response_model=ArticleTextOut)
def get_article(article_id: str, context: Context) -> dict[str, Any]:
    """Return a stored article (``id@vN`` for an older version) with its family and source."""
    return article_detail(context.service, article_id)
