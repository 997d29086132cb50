/* Progress statistics beyond employment over HTTP: in a municipality of the test's own,
 * reviews on time and late, citizens with an intervention started since their last review,
 * the share of no-intervention decisions, waiting per sector, the change of the indicators
 * between consecutive reviews and caseworker changes per case, each figure worked out by
 * hand below; every figure over fewer than 5 citizens withheld; who may ask; malformed
 * queries. Past dates no API call can make are written as the schema owner. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "fixtures.h"

/* Municipality codes of this file's tests (progress_stats 888-899, see fixtures.h): the
 * figures are the whole municipality's, so each test that builds data has a code of its
 * own. */
#define RANGE_FIGURES 888, 888
#define RANGE_SUPPRESSED 889, 889
#define RANGE_EMPTY 890, 890
#define RANGE_CREATED 891, 891

/* NULL_FIGURE as a wanted number: the figure must be null. */
#define NULL_FIGURE (-1e9)

/* A municipality of the test's own with today, a team lead and a caseworker of it. */
struct world {
    char municipality[4];
    char today[11];
    struct fx_actor lead;
    struct fx_actor cw;
};

static void world_open(struct world *w, int lo, int hi)
{
    fx_random_municipality(lo, hi, w->municipality);
    fx_today(w->today);
    fx_staff(&w->lead, "team_lead", w->municipality);
    fx_staff(&w->cw, "caseworker", w->municipality);
}

static void world_close(struct world *w)
{
    fx_actor_free(&w->cw);
    fx_actor_free(&w->lead);
}

/* A citizen with their token and one case, in the target group since since. */
struct person {
    char cpr[11];
    char citizen_id[FX_UUID_LEN];
    char case_id[FX_UUID_LEN];
    struct fx_actor citizen;
};

static void person_open(const struct world *w, const char *since, struct person *p)
{
    fx_new_citizen(&w->cw, p->cpr, p->citizen_id);
    fx_create_case_dated(&w->cw, p->citizen_id, since, "kontanthjaelp", since, p->case_id);
    fx_citizen(&p->citizen, p->cpr);
}

/* What a review records beyond fx_fill_review's defaults (WHO-5 60, caseworker 3/2/4,
 * citizen 2/3/5, one planned virksomhedspraktik): other WHO-5 answers and ratings (NULL:
 * the defaults), a decision on no interventions instead, and the day it was completed
 * (NULL: today). */
struct review_spec {
    const int *who5;
    const int *by_caseworker;
    const int *by_citizen;
    int no_interventions;
    const char *completed_on;
};

/* A review of p's case held and completed today as s says, then backdated to
 * s->completed_on. Completing it issues its overall decision (kind overall, or
 * no_intervention) notified today, and requests its planned intervention today. */
static void completed_review(const struct world *w, struct person *p, const struct review_spec *s)
{
    char id[FX_UUID_LEN], planned[11];
    fx_date_add(w->today, 14, planned);
    fx_schedule_review(&w->cw, p->case_id, w->today, id);
    unsigned mask = FX_SEC_ALL;
    if (s->no_interventions)
        mask &= ~FX_SEC_BIT(FX_SEC_OVERALL_DECISION);
    fx_fill_review(&w->cw, &p->citizen, id, w->today, planned, mask);
    if (s->no_interventions)
        json_decref(fx_review_ok(&w->cw, "PATCH", id, NULL,
                                 json_pack("{s:{s:s, s:s, s:[s]}}", "overall_decision", "outcome", "no_interventions",
                                           "reasons", "Borgeren er i behandling og skal ikke have en indsats nu.",
                                           "legal_basis", fx_provision_on(w->today))));
    if (s->who5)
        json_decref(fx_put_who5(&p->citizen, id, s->who5));
    if (s->by_caseworker)
        json_decref(fx_put_ratings(&w->cw, id, s->by_caseworker));
    if (s->by_citizen)
        json_decref(fx_put_ratings(&p->citizen, id, s->by_citizen));
    json_decref(fx_complete_review(&w->cw, id));
    if (s->completed_on)
        fx_backdate_review(id, s->completed_on);
}

/* An intervention of type on case_id that waited waiting days and started on started_on:
 * requested and started today (under the case's overall decision in force), then
 * backdated. */
static void started_intervention(const struct world *w, const char *case_id, const char *type,
                                 const char *started_on, int waiting)
{
    char id[FX_UUID_LEN], requested[11];
    fx_date_add(started_on, -waiting, requested);
    fx_create_intervention(&w->cw, case_id, type, w->today, 0, id);
    json_decref(fx_start_intervention(&w->cw, id, w->today));
    fx_backdate_intervention(id, requested, started_on);
}

/* POST /v1/caseload/reassignments as the team lead: the cases (consumed) to caseworker. */
static void reassign(const struct world *w, json_t *ids, const char *caseworker)
{
    struct http_response r;
    fx_call("POST", "/v1/caseload/reassignments", &w->lead,
            json_pack("{s:o, s:s}", "case_ids", ids, "caseworker", caseworker), NULL, 0, &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
}

/* The last change of caseworker of case_id as if made at noon on day. */
static void backdate_last_change(const char *case_id, const char *day)
{
    const char *params[] = {case_id, day};
    fx_owner_update_one("UPDATE caseworker_assignments "
                        "SET assigned_at = ($2::date + time '12:00') AT TIME ZONE 'Europe/Copenhagen' "
                        "WHERE id = (SELECT max(id) FROM caseworker_assignments "
                        "WHERE case_id = $1::uuid AND role = 'caseworker')",
                        2, params);
}

static void stats_path(const char *municipality, const char *from, const char *to, char out[160])
{
    snprintf(out, 160, "/v1/stats/progress?municipality=%s&from=%s&to=%s", municipality, from, to);
}

/* GET /v1/stats/progress as a; asserts 200 and that the period is echoed. The caller
 * json_decref's the document. */
static json_t *progress(const struct fx_actor *a, const char *municipality, const char *from, const char *to)
{
    char path[160];
    stats_path(municipality, from, to, path);
    json_t *doc = fx_get_json(a, path);
    fx_assert_member(doc, "municipality", municipality);
    fx_assert_member(doc, "from", from);
    fx_assert_member(doc, "to", to);
    return doc;
}

/* Fails unless obj[key] is the number want (to 1e-9), or null when want is NULL_FIGURE. */
static void assert_num(json_t *obj, const char *key, double want)
{
    json_t *v = json_object_get(obj, key);
    if (want == NULL_FIGURE) {
        cr_assert(v && json_is_null(v), "%s should be null", key);
        return;
    }
    cr_assert(json_is_number(v), "%s is not a number", key);
    double d = json_number_value(v) - want;
    cr_assert(d < 1e-9 && d > -1e-9, "%s is %.6f, want %.6f", key, json_number_value(v), want);
}

static void assert_suppressed(json_t *obj, int want)
{
    json_t *v = json_object_get(obj, "suppressed");
    cr_assert(json_is_boolean(v), "suppressed is not a boolean");
    cr_assert_eq(json_is_true(v), want, "suppressed is %s, want %s", json_is_true(v) ? "true" : "false",
                 want ? "true" : "false");
}

/* The figures of one progress document, NULL_FIGURE where a figure must be null; the
 * initialisers below give one line per group: reviews, citizens with an intervention since
 * their last review, no-intervention decisions, indicator change, caseworker changes. */
struct want {
    int completed;
    double on_time, late;
    int reviews_suppressed;
    int citizens;
    double with_intervention, intervention_share;
    int intervention_suppressed;
    int overall;
    double no_intervention, no_intervention_share;
    int decisions_suppressed;
    int pairs;
    double who5, by_caseworker[3], by_citizen[3];
    int indicators_suppressed;
    int cases;
    double changes;
    int changes_suppressed;
};

static const char *const rating_keys[3] = {"life_mastery", "health", "labour_market_distance"};

static void assert_figures(json_t *doc, const struct want *w)
{
    json_t *g = json_object_get(doc, "reviews");
    fx_assert_integer(g, "completed", w->completed);
    assert_num(g, "on_time", w->on_time);
    assert_num(g, "late", w->late);
    assert_suppressed(g, w->reviews_suppressed);

    g = json_object_get(doc, "citizens_with_intervention_since_last_review");
    fx_assert_integer(g, "citizens", w->citizens);
    assert_num(g, "with_intervention", w->with_intervention);
    assert_num(g, "share", w->intervention_share);
    assert_suppressed(g, w->intervention_suppressed);

    g = json_object_get(doc, "no_intervention_decisions");
    fx_assert_integer(g, "overall_decisions", w->overall);
    assert_num(g, "no_intervention", w->no_intervention);
    assert_num(g, "share", w->no_intervention_share);
    assert_suppressed(g, w->decisions_suppressed);

    g = json_object_get(doc, "indicator_change");
    fx_assert_integer(g, "pairs", w->pairs);
    assert_num(g, "who5_mean_change", w->who5);
    const char *const who[2] = {"caseworker", "citizen"};
    const double *means[2] = {w->by_caseworker, w->by_citizen};
    for (int k = 0; k < 2; k++) {
        json_t *ratings = json_object_get(g, who[k]);
        if (w->indicators_suppressed) {
            cr_assert(ratings && json_is_null(ratings), "indicator_change.%s should be null", who[k]);
            continue;
        }
        cr_assert(json_is_object(ratings), "indicator_change.%s is not an object", who[k]);
        for (int i = 0; i < 3; i++)
            assert_num(ratings, rating_keys[i], means[k][i]);
    }
    assert_suppressed(g, w->indicators_suppressed);

    g = json_object_get(doc, "caseworker_changes_per_case");
    fx_assert_integer(g, "cases", w->cases);
    assert_num(g, "mean", w->changes);
    assert_suppressed(g, w->changes_suppressed);
}

/* Fails unless the sector's waiting figures are these (NULL_FIGURE: null). */
static void assert_sector(json_t *doc, const char *sector, int started, double median, double p90, int waiting_now,
                          double longest)
{
    json_t *s = json_object_get(json_object_get(doc, "waiting_by_sector"), sector);
    cr_assert(json_is_object(s), "waiting_by_sector has no %s", sector);
    fx_assert_integer(s, "started", started);
    assert_num(s, "median_days", median);
    assert_num(s, "p90_days", p90);
    fx_assert_integer(s, "waiting_now", waiting_now);
    assert_num(s, "longest_waiting_days", longest);
}

static const int who5_full[5] = {5, 5, 5, 5, 5}, who5_none[5] = {0, 0, 0, 0, 0};
static const int who5_four[5] = {4, 4, 4, 4, 4}, who5_two[5] = {2, 2, 2, 2, 2};

Test(progress_stats, every_figure_is_exact_for_a_municipality_of_six_citizens, .timeout = FX_TIMEOUT * 10)
{
    struct world w;
    world_open(&w, RANGE_FIGURES);
    /* T today; F = T − 6 months starts the period [F, T]. The first reviews of c1-c5 were
     * held on A = T − 14 months (before the period), so their second reviews were due on
     * B = A + 12 months (about T − 2 months, inside it). */
    char from[11], day_after_from[11], day_before_from[11], a[11], b[11], b1[11];
    char since[11], since6[11], t_minus_5[11], from_10[11];
    fx_date_add_months(w.today, -6, from);
    fx_date_add(from, 1, day_after_from);
    fx_date_add(from, -1, day_before_from);
    fx_date_add(from, 10, from_10);
    fx_date_add_months(w.today, -14, a);
    fx_date_add_months(a, 12, b);
    fx_date_add(b, 1, b1);
    fx_date_add_months(a, -12, since);
    fx_date_add_months(w.today, -12, since6);
    fx_date_add(w.today, -5, t_minus_5);

    struct person p[6];
    for (int i = 0; i < 5; i++)
        person_open(&w, since, &p[i]);
    person_open(&w, since6, &p[5]);

    /* Reviews. c1-c5: a first review on A with the defaults (WHO-5 60; caseworker 3/2/4;
     * citizen 2/3/5), then a second:
     *   c1 on B (on time, the due day)    WHO-5 100 (+40)  caseworker 4/2/4  citizen 3/3/5
     *   c2 on B + 1 (late)                WHO-5   0 (−60)  caseworker 3/3/4  citizen 2/3/5
     *   c3 today (late), no interventions WHO-5  60 (0)    caseworker 3/2/3  citizen 2/4/5
     *   c4 on B (on time)                 WHO-5  80 (+20)  caseworker 5/2/4  citizen 2/3/3
     *   c5 on B (on time), no intervent.  WHO-5  40 (−20)  caseworker 3/2/4  citizen 4/3/5
     * c6: one review only, on F, due 12 months after T − 12 months (about today): on time. */
    static const int cw1[3] = {4, 2, 4}, cw2[3] = {3, 3, 4}, cw3[3] = {3, 2, 3}, cw4[3] = {5, 2, 4};
    static const int ci1[3] = {3, 3, 5}, ci3[3] = {2, 4, 5}, ci4[3] = {2, 3, 3}, ci5[3] = {4, 3, 5};
    const struct review_spec second[5] = {
        {who5_full, cw1, ci1, 0, b},
        {who5_none, cw2, NULL, 0, b1},
        {NULL, cw3, ci3, 1, NULL},
        {who5_four, cw4, ci4, 0, b},
        {who5_two, NULL, ci5, 1, b},
    };
    for (int i = 0; i < 5; i++) {
        completed_review(&w, &p[i], &(struct review_spec){NULL, NULL, NULL, 0, a});
        completed_review(&w, &p[i], &second[i]);
    }
    completed_review(&w, &p[5], &(struct review_spec){NULL, NULL, NULL, 0, from});

    /* Interventions (employment: mentor; social: social_stoette; health: behandling), each
     * on a case whose last review decided on interventions, so an overall decision is in
     * force to start it under:
     *   c1 mentor          started T − 5      waited  10   (after c1's last review, B)
     *   c1 mentor          started F          waited 100   (the period's first day)
     *   c2 mentor          started B + 1      waited  20   (the day of c2's last review: not after it)
     *   c2 social_stoette  started F + 1      waited   7
     *   c4 mentor          started B + 1      waited  30   (the day after c4's last review)
     *   c4 social_stoette  started today      waited   3
     *   c6 mentor          started F + 10     waited  40   (after c6's last review, F)
     *   c6 behandling      started F − 1      waited  15   (before the period)
     *   c6 behandling      started F          waited  25 */
    started_intervention(&w, p[0].case_id, "mentor", t_minus_5, 10);
    started_intervention(&w, p[0].case_id, "mentor", from, 100);
    started_intervention(&w, p[1].case_id, "mentor", b1, 20);
    started_intervention(&w, p[1].case_id, "social_stoette", day_after_from, 7);
    started_intervention(&w, p[3].case_id, "mentor", b1, 30);
    started_intervention(&w, p[3].case_id, "social_stoette", w.today, 3);
    started_intervention(&w, p[5].case_id, "mentor", from_10, 40);
    started_intervention(&w, p[5].case_id, "behandling", day_before_from, 15);
    started_intervention(&w, p[5].case_id, "behandling", from, 25);

    /* Changes of caseworker: c1-c4 move to another caseworker and c1 back again; c3's move
     * as if made on F − 1 (before the period), c4's on F. */
    char other[64];
    fx_unique("caseworker", other, sizeof(other));
    reassign(&w, json_pack("[s, s, s, s]", p[0].case_id, p[1].case_id, p[2].case_id, p[3].case_id), other);
    reassign(&w, json_pack("[s]", p[0].case_id), w.cw.sub);
    backdate_last_change(p[2].case_id, day_before_from);
    backdate_last_change(p[3].case_id, from);

    /* Over [F, T]:
     * - reviews: the five second reviews and c6's (the first reviews on A are before F): 6,
     *   on time c1, c4, c5, c6 = 4, late c2, c3 = 2; 6 citizens.
     * - last reviews by T: c1 B, c2 B + 1, c3 T, c4 B, c5 B, c6 F; an intervention started
     *   after it: c1 (T − 5), c4 (B + 1, T), c6 (F + 10); not c2 (only on the day itself and
     *   before), c3, c5 (none): 3 of 6 = 0.5.
     * - overall decisions, all notified today: 11 (5 first + 5 second reviews + c6's), of
     *   them no_intervention c3's and c5's second: 2/11 = 0.181818 → 0.1818; 6 citizens.
     * - pairs: the five second reviews; WHO-5 (40 − 60 + 0 + 20 − 20)/5 = −4;
     *   caseworker life mastery (1 + 0 + 0 + 2 + 0)/5 = 0.6, health (0 + 1 + 0 + 0 + 0)/5 =
     *   0.2, distance (0 + 0 − 1 + 0 + 0)/5 = −0.2; citizen life mastery (1 + 0 + 0 + 0 +
     *   2)/5 = 0.6, health (0 + 0 + 1 + 0 + 0)/5 = 0.2, distance (0 + 0 + 0 − 2 + 0)/5 = −0.4;
     *   5 citizens, just enough.
     * - changes in the period: c1 2, c2 1, c3 0, c4 1, c5 0, c6 0 (the first assignment is no
     *   change) over the 6 cases: 4/6 = 0.666667 → 0.67. */
    const struct want all = {
        6, 4, 2, 0,
        6, 3, 0.5, 0,
        11, 2, 0.1818, 0,
        5, -4, {0.6, 0.2, -0.2}, {0.6, 0.2, -0.4}, 0,
        6, 0.67, 0,
    };
    json_t *doc = progress(&w.lead, w.municipality, from, w.today);
    assert_figures(doc, &all);
    /* Waiting, started in [F, T]: employment 10, 20, 30, 40, 100: median 30, p90 at rank
     * 0.9 × 4 = 3.6 between 40 and 100: 40 + 0.6 × 60 = 76. Social 2, health 1 (F − 1 is
     * out): too few for figures. Figures are withheld by the number of citizens, not of
     * interventions: the five employment starts are of four citizens (c1 has two), so their
     * median (30) and p90 (76) are withheld too. Waiting now:
     * the virksomhedspraktik each review that decided on interventions requested today
     * (5 + 1 first, 3 second reviews) = 9, the longest waiting 0 days; none in the other
     * sectors. */
    assert_sector(doc, "employment", 5, NULL_FIGURE, NULL_FIGURE, 9, 0);
    assert_sector(doc, "social", 2, NULL_FIGURE, NULL_FIGURE, 0, NULL_FIGURE);
    assert_sector(doc, "health", 1, NULL_FIGURE, NULL_FIGURE, 0, NULL_FIGURE);

    /* The auditor and the caseworker of the municipality get the same figures. */
    struct fx_actor auditor;
    fx_staff(&auditor, "auditor", w.municipality);
    const struct fx_actor *readers[] = {&auditor, &w.cw};
    for (int i = 0; i < 2; i++) {
        json_t *same = progress(readers[i], w.municipality, from, w.today);
        cr_assert(json_equal(same, doc), "%s reads other figures than the team lead", readers[i]->role);
        json_decref(same);
    }
    json_decref(doc);

    /* Over [F + 1, T]: c6's review on F is out: 5 reviews, 3 on time, 2 late, 5 citizens
     * (not withheld); so are the mentor started on F (employment 4: too few) and the
     * behandling started on F (health 0), and c4's change made on F: 3/6 = 0.5. The rest
     * depends on T only. */
    const struct want later = {
        5, 3, 2, 0,
        6, 3, 0.5, 0,
        11, 2, 0.1818, 0,
        5, -4, {0.6, 0.2, -0.2}, {0.6, 0.2, -0.4}, 0,
        6, 0.5, 0,
    };
    doc = progress(&w.lead, w.municipality, day_after_from, w.today);
    assert_figures(doc, &later);
    assert_sector(doc, "employment", 4, NULL_FIGURE, NULL_FIGURE, 9, 0);
    assert_sector(doc, "social", 2, NULL_FIGURE, NULL_FIGURE, 0, NULL_FIGURE);
    assert_sector(doc, "health", 0, NULL_FIGURE, NULL_FIGURE, 0, NULL_FIGURE);
    json_decref(doc);

    fx_actor_free(&auditor);
    for (int i = 0; i < 6; i++)
        fx_actor_free(&p[i].citizen);
    world_close(&w);
}

Test(progress_stats, each_figure_over_fewer_than_five_citizens_is_withheld, .timeout = FX_TIMEOUT * 6)
{
    struct world w;
    world_open(&w, RANGE_SUPPRESSED);
    /* Cases in their target group since T − 11 months: every review up to today is on time. */
    char since[11], from[11], yesterday[11], three_days_ago[11];
    fx_date_add_months(w.today, -11, since);
    fx_date_add_months(w.today, -2, from);
    fx_date_add(w.today, -1, yesterday);
    fx_date_add(w.today, -3, three_days_ago);
    struct person p[5];
    for (int i = 0; i < 4; i++)
        person_open(&w, since, &p[i]);

    /* d1: a review yesterday and one today (a pair); d2: one three days ago, after which a
     * mentor started yesterday; d3: one today, then moved to another caseworker; d4: one
     * today deciding on no interventions. */
    completed_review(&w, &p[0], &(struct review_spec){NULL, NULL, NULL, 0, yesterday});
    completed_review(&w, &p[0], &(struct review_spec){who5_full, NULL, NULL, 0, NULL});
    completed_review(&w, &p[1], &(struct review_spec){NULL, NULL, NULL, 0, three_days_ago});
    completed_review(&w, &p[2], &(struct review_spec){NULL, NULL, NULL, 0, NULL});
    completed_review(&w, &p[3], &(struct review_spec){NULL, NULL, NULL, 1, NULL});
    started_intervention(&w, p[1].case_id, "mentor", yesterday, 5);
    char other[64];
    fx_unique("caseworker", other, sizeof(other));
    reassign(&w, json_pack("[s]", p[2].case_id), other);

    /* Four citizens: 5 reviews, 4 citizens with a last review, 5 overall decisions, 1 pair,
     * 4 cases — never 5 citizens behind a figure, so every figure is null and withheld; the
     * group sizes are still given. */
    const struct want four = {
        5, NULL_FIGURE, NULL_FIGURE, 1,
        4, NULL_FIGURE, NULL_FIGURE, 1,
        5, NULL_FIGURE, NULL_FIGURE, 1,
        1, NULL_FIGURE, {0}, {0}, 1,
        4, NULL_FIGURE, 1,
    };
    json_t *doc = progress(&w.lead, w.municipality, from, w.today);
    assert_figures(doc, &four);
    /* One employment start, too few; waiting now: the virksomhedspraktik of d1's two, d2's
     * and d3's reviews = 4, too few for the longest wait. */
    assert_sector(doc, "employment", 1, NULL_FIGURE, NULL_FIGURE, 4, NULL_FIGURE);
    json_decref(doc);

    /* d5, with a case and a review today, makes five citizens behind every figure but the
     * pairs:
     * - reviews 6, all on time (due T + 1 month; d1's second a year after yesterday);
     * - with an intervention since the last review: d2 only, 1/5 = 0.2;
     * - overall decisions 6, no_intervention d4's: 1/6 = 0.166667 → 0.1667;
     * - pairs: still d1's alone, withheld;
     * - changes: 1 over 5 cases = 0.2.
     * Waiting now 5, but of four citizens (d1 has two): the longest wait is still withheld,
     * since waits are withheld by citizens, not by interventions. */
    person_open(&w, since, &p[4]);
    completed_review(&w, &p[4], &(struct review_spec){NULL, NULL, NULL, 0, NULL});
    const struct want five = {
        6, 6, 0, 0,
        5, 1, 0.2, 0,
        6, 1, 0.1667, 0,
        1, NULL_FIGURE, {0}, {0}, 1,
        5, 0.2, 0,
    };
    doc = progress(&w.lead, w.municipality, from, w.today);
    assert_figures(doc, &five);
    assert_sector(doc, "employment", 1, NULL_FIGURE, NULL_FIGURE, 5, NULL_FIGURE);
    json_decref(doc);

    for (int i = 0; i < 5; i++)
        fx_actor_free(&p[i].citizen);
    world_close(&w);
}

/* GET path as a; fails unless the answer is a problem with status. */
static void assert_refused(const struct fx_actor *a, const char *path, int status)
{
    struct http_response r;
    fx_call("GET", path, a, NULL, NULL, 0, &r);
    fx_assert_problem(&r, status);
    http_response_free(&r);
}

Test(progress_stats, only_staff_of_the_municipality_may_ask_and_an_empty_one_withholds_everything,
     .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, RANGE_EMPTY);
    char from[11], path[160];
    fx_date_add_months(w.today, -12, from);
    stats_path(w.municipality, from, w.today, path);

    /* Nothing happened here: every group is empty and withheld. */
    const struct want none = {
        0, NULL_FIGURE, NULL_FIGURE, 1,
        0, NULL_FIGURE, NULL_FIGURE, 1,
        0, NULL_FIGURE, NULL_FIGURE, 1,
        0, NULL_FIGURE, {0}, {0}, 1,
        0, NULL_FIGURE, 1,
    };
    struct fx_actor auditor;
    fx_staff(&auditor, "auditor", w.municipality);
    const struct fx_actor *allowed[] = {&w.lead, &w.cw, &auditor};
    for (int i = 0; i < 3; i++) {
        json_t *doc = progress(allowed[i], w.municipality, from, w.today);
        assert_figures(doc, &none);
        static const char *const sectors[] = {"employment", "social", "health"};
        for (int k = 0; k < 3; k++)
            assert_sector(doc, sectors[k], 0, NULL_FIGURE, NULL_FIGURE, 0, NULL_FIGURE);
        json_decref(doc);
    }

    /* Staff of another municipality: 404, as openapi.yaml documents (StatsNotFound), for
     * every role that may ask about its own. */
    static const char *const staff_roles[] = {"team_lead", "caseworker", "auditor"};
    for (int i = 0; i < 3; i++) {
        struct fx_actor stranger;
        fx_staff(&stranger, staff_roles[i], FX_OTHER_MUNICIPALITY);
        assert_refused(&stranger, path, 404);
        fx_actor_free(&stranger);
    }
    /* Roles that never may: 403; no token: 401. */
    struct fx_actor citizen, integration, board;
    char cpr[11];
    fx_random_cpr(cpr);
    fx_citizen(&citizen, cpr);
    fx_staff(&integration, "integration", w.municipality);
    fx_national(&board, "appeals_board");
    assert_refused(&citizen, path, 403);
    assert_refused(&integration, path, 403);
    assert_refused(&board, path, 403);
    assert_refused(NULL, path, 401);

    fx_actor_free(&board);
    fx_actor_free(&integration);
    fx_actor_free(&citizen);
    fx_actor_free(&auditor);
    world_close(&w);
}

Test(progress_stats, a_malformed_or_reversed_period_is_a_400_problem, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, RANGE_EMPTY);
    char yesterday[11], path[200];
    fx_date_add(w.today, -1, yesterday);
    const char *m = w.municipality;

    /* One day, from = to, is a period. */
    json_decref(progress(&w.lead, m, w.today, w.today));

    const char *const bad[][3] = {
        {m, w.today, yesterday},       /* from after to */
        {m, "2026-02-30", w.today},    /* no such day */
        {m, "2026-2-01", w.today},     /* not YYYY-MM-DD */
        {m, yesterday, "today"},
        {m, yesterday, "2026-13-01"},
        {"89", yesterday, w.today},    /* a municipality is three digits */
        {"8900", yesterday, w.today},
        {"abc", yesterday, w.today},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        stats_path(bad[i][0], bad[i][1], bad[i][2], path);
        assert_refused(&w.lead, path, 400);
    }
    /* Each of the three is required, and nothing else is taken. */
    snprintf(path, sizeof(path), "/v1/stats/progress?municipality=%s&from=%s", m, yesterday);
    assert_refused(&w.lead, path, 400);
    snprintf(path, sizeof(path), "/v1/stats/progress?municipality=%s&to=%s", m, yesterday);
    assert_refused(&w.lead, path, 400);
    snprintf(path, sizeof(path), "/v1/stats/progress?from=%s&to=%s", yesterday, w.today);
    assert_refused(&w.lead, path, 400);
    snprintf(path, sizeof(path), "/v1/stats/progress?municipality=%s&from=%s&to=%s&sector=health", m, yesterday,
             w.today);
    assert_refused(&w.lead, path, 400);
    world_close(&w);
}

Test(progress_stats, a_case_belongs_to_the_period_of_its_danish_creation_day, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, RANGE_CREATED);
    /* A case created at 00:30 in Denmark on D = T − 10 days: the evening before in UTC. */
    char d[11], day_before[11], since[11];
    fx_date_add(w.today, -10, d);
    fx_date_add(d, -1, day_before);
    fx_date_add_months(w.today, -3, since);
    struct person p;
    person_open(&w, since, &p);
    const char *params[] = {p.case_id, d};
    fx_owner_update_one("UPDATE cases SET created_at = ($2::date + time '00:30') AT TIME ZONE 'Europe/Copenhagen' "
                        "WHERE id = $1::uuid",
                        2, params);

    /* Periods are Danish days, like every other date of the figures: the case is one of the
     * municipality's cases in a period ending on D, not in one ending the day before. */
    json_t *doc = progress(&w.lead, w.municipality, d, d);
    fx_assert_integer(json_object_get(doc, "caseworker_changes_per_case"), "cases", 1);
    json_decref(doc);
    doc = progress(&w.lead, w.municipality, since, day_before);
    fx_assert_integer(json_object_get(doc, "caseworker_changes_per_case"), "cases", 0);
    json_decref(doc);

    fx_actor_free(&p.citizen);
    world_close(&w);
}
