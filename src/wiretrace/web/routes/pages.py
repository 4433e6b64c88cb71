"""Server-rendered pages: families, one family, one article, a comparison, the check form."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse, Response

from wiretrace.render.graph import family_svg
from wiretrace.render.html import CHANGE_COLOURS, RELATION_COLOURS, compare_rows
from wiretrace.store import FamilyFilter
from wiretrace.web.context import Context
from wiretrace.web.schemas import CheckIn
from wiretrace.web.views import (
    check_matches,
    checked_article,
    compare_stored,
    family_of,
    family_view,
    list_families,
    parent_edge,
)

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 200


@router.get("/", response_class=HTMLResponse)
def families_page(
    context: Context,
    min_size: Annotated[int, Query(ge=1)] = 2,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> str:
    query = FamilyFilter(min_size=min_size, limit=PAGE_SIZE, offset=offset)
    total, summaries = list_families(context.service, query)
    return context.render("families.html.j2", summaries=summaries, total=total, query=query)


@router.get("/families/{family_id}", response_class=HTMLResponse)
def family_page(family_id: str, context: Context) -> str:
    view = family_view(context.service, family_id)
    svg = family_svg(view.family, view.articles, link_prefix="/articles/")
    return context.render("family.html.j2", view=view, svg=svg, relation_colours=RELATION_COLOURS)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(article_id: str, context: Context) -> str:
    article = context.service.article(article_id)
    family = family_of(context.service, article.id)
    return context.render(
        "article.html.j2", article=article, family=family, edge=parent_edge(family, article.id)
    )


@router.get("/compare", response_class=HTMLResponse)
def compare_page(
    context: Context,
    source: Annotated[str, Query(min_length=1)],
    derivative: Annotated[str, Query(min_length=1)],
) -> str:
    comparison, source_doc, derivative_doc = compare_stored(context.service, source, derivative)
    return context.render(
        "compare.html.j2",
        comparison=comparison,
        source=source_doc.article,
        derivative=derivative_doc.article,
        rows=compare_rows(comparison, source_doc, derivative_doc),
        change_colours=CHANGE_COLOURS,
    )


@router.get("/check", response_class=HTMLResponse)
def check_form(context: Context) -> str:
    return context.render("check.html.j2", checked=False)


@router.post("/check", response_class=HTMLResponse)
def check_page(
    context: Context,
    text: Annotated[str, Form()],
    title: Annotated[str, Form()] = "",
    token: Annotated[str, Form()] = "",
) -> str:
    context.check_token(token or None)
    article = checked_article(
        CheckIn(text=text, title=title or None), context.service.settings.text.max_chars
    )
    matches = check_matches(context.service, article)
    best = matches[0] if matches else None
    rows = compare_rows(best.comparison, best.source, best.derivative) if best else []
    return context.render(
        "check.html.j2",
        checked=True,
        article=article,
        matches=matches,
        rows=rows,
        text=text,
        title=title,
        change_colours=CHANGE_COLOURS,
    )


@router.get("/theme.css")
def theme(context: Context) -> Response:
    css = context.render(
        "theme.css.j2", relation_colours=RELATION_COLOURS, change_colours=CHANGE_COLOURS
    )
    return Response(css, media_type="text/css")
