--
-- PostgreSQL database dump
--

\restrict A3lja0gdczvoKWvpBR5VaeSMD6K81Ek7kL2JzPCv63HhmfTvOQanY4wPFUmyA9r

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: campaign_progress; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.campaign_progress (
    id integer NOT NULL,
    campaign_id character varying(200) NOT NULL,
    year integer NOT NULL,
    instance character varying(40) NOT NULL,
    item_kind character varying(20) NOT NULL,
    item_id character varying(200) NOT NULL,
    status character varying(40) NOT NULL,
    url text,
    recorded_by character varying(200),
    recorded_at character varying(40) NOT NULL
);


--
-- Name: campaign_progress_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.campaign_progress_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: campaign_progress_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.campaign_progress_id_seq OWNED BY public.campaign_progress.id;


--
-- Name: deliveries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.deliveries (
    id integer NOT NULL,
    key character varying(500) NOT NULL,
    campaign_id character varying(200),
    kind character varying(40) NOT NULL,
    rule character varying(200) NOT NULL,
    local_date character varying(10) NOT NULL,
    destination character varying(200) NOT NULL,
    due_at character varying(40) NOT NULL,
    not_after character varying(40) NOT NULL,
    state character varying(20) NOT NULL,
    attempts integer NOT NULL,
    next_attempt_at character varying(40),
    lease_until character varying(40),
    last_error text,
    provider_response text,
    payload_json text NOT NULL,
    sent_at character varying(40),
    created_at character varying(40) NOT NULL,
    updated_at character varying(40) NOT NULL
);


--
-- Name: deliveries_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.deliveries_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: deliveries_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.deliveries_id_seq OWNED BY public.deliveries.id;


--
-- Name: feed_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.feed_events (
    scope character varying(200) NOT NULL,
    uid character varying(64) NOT NULL,
    observance_id character varying(200) NOT NULL,
    instance character varying(40) NOT NULL,
    content_hash character varying(64) NOT NULL,
    sequence integer NOT NULL,
    last_modified character varying(40) NOT NULL,
    cancelled_at character varying(40),
    event_json text NOT NULL
);


--
-- Name: meta; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.meta (
    key character varying(200) NOT NULL,
    value text NOT NULL
);


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    name character varying(200) NOT NULL,
    applied_at character varying(40) NOT NULL
);


--
-- Name: campaign_progress id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_progress ALTER COLUMN id SET DEFAULT nextval('public.campaign_progress_id_seq'::regclass);


--
-- Name: deliveries id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deliveries ALTER COLUMN id SET DEFAULT nextval('public.deliveries_id_seq'::regclass);


--
-- Data for Name: campaign_progress; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.campaign_progress VALUES (1, 'black-history-month', 2027, '2027', 'task', 'draft-blog', 'done', NULL, 'Asha', '2026-12-01T07:42:59Z');


--
-- Data for Name: deliveries; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.deliveries VALUES (1, 'black-history-month:lead-28:2026-09-03:console', 'black-history-month', 'lead-time', 'lead-28', '2026-09-03', 'console', '2026-09-03T08:00:00Z', '2026-09-06T08:00:00Z', 'sent', 1, NULL, NULL, NULL, '{"recipients": {}, "status": null}', '{"body": "Black History Month (UK) starts in 4 weeks (Thu 1 Oct 2026).\n- Draft the staff stories blog and agree it with contributors: due Thu 17 Sep 2026\n- Update the intranet resources page: due Mon 28 Sep 2026\nThrough October we share the stories of Black colleagues and the history of Black people in\nthe NHS and in Greater Manchester, with a reading and resources list on the intranet.", "event": {"description": "A month to recognise and celebrate the history, achievements and contributions of Black people in the UK. It has been marked in October in the UK since 1987; the US observes it in February.", "end": "2026-10-31", "name": "Black History Month (UK)", "start": "2026-10-01", "uid": "5132D965-1845-5930-88E0-CCA6AA16815D", "url": "https://www.blackhistorymonth.org.uk/"}, "links": [["Campaign plan", "http://127.0.0.1:8000/campaigns/black-history-month/2026"], ["About Black History Month (UK)", "https://www.blackhistorymonth.org.uk/"]], "title": "Black History Month (UK) in 4 weeks: Black History Month: staff stories and resources"}', '2026-09-03T08:00:00Z', '2026-09-03T08:00:00Z', '2026-09-03T08:00:00Z');
INSERT INTO public.deliveries VALUES (2, 'uk-disability-history-month:lead-7:2026-11-13:console', 'uk-disability-history-month', 'lead-time', 'lead-7', '2026-11-13', 'console', '2026-11-13T09:00:00Z', '2026-11-16T09:00:00Z', 'expired', 0, NULL, NULL, 'expired: planned after its not_after (downtime)', NULL, '{"body": "UK Disability History Month starts in 7 days (Fri 20 Nov 2026).\n- Draft the blog with contributors (plain English, alt text for images): due Fri 13 Nov 2026\nWe mark UK Disability History Month with a blog by disabled colleagues on this year''s theme,\na lunchtime event with the disability network, and a reminder to managers about reasonable\nadjustments and the Access to Work scheme.", "event": {"description": "An annual month, first held in 2010, on the history of disabled people''s struggle for equality and human rights, with a different theme each year. It spans World AIDS Day, the International Day of Persons with Disabilities and Human Rights Day.", "end": "2026-12-20", "name": "UK Disability History Month", "start": "2026-11-20", "uid": "2A949787-E1BB-577F-8CF2-CA8B74CF2013", "url": "https://ukdhm.org/"}, "links": [["Campaign plan", "http://127.0.0.1:8000/campaigns/uk-disability-history-month/2026"], ["About UK Disability History Month", "https://ukdhm.org/"]], "title": "UK Disability History Month in 7 days: UK Disability History Month: lived experience and reasonable adjustments"}', NULL, '2026-12-01T09:00:00Z', '2026-12-01T09:00:00Z');
INSERT INTO public.deliveries VALUES (3, 'uk-disability-history-month:task-draft-blog:2026-11-13:console', 'uk-disability-history-month', 'task-due', 'task-draft-blog', '2026-11-13', 'console', '2026-11-13T09:00:00Z', '2026-11-16T09:00:00Z', 'expired', 0, NULL, NULL, 'expired: planned after its not_after (downtime)', NULL, '{"body": "Draft the blog with contributors (plain English, alt text for images) is due today for UK Disability History Month: lived experience and reasonable adjustments; UK Disability History Month starts Fri 20 Nov 2026.", "event": {"description": "An annual month, first held in 2010, on the history of disabled people''s struggle for equality and human rights, with a different theme each year. It spans World AIDS Day, the International Day of Persons with Disabilities and Human Rights Day.", "end": "2026-12-20", "name": "UK Disability History Month", "start": "2026-11-20", "uid": "2A949787-E1BB-577F-8CF2-CA8B74CF2013", "url": "https://ukdhm.org/"}, "links": [["Campaign plan", "http://127.0.0.1:8000/campaigns/uk-disability-history-month/2026"], ["About UK Disability History Month", "https://ukdhm.org/"]], "title": "Due today: Draft the blog with contributors (plain English, alt text for images) (UK Disability History Month: lived experience and reasonable adjustments)"}', NULL, '2026-12-01T09:00:00Z', '2026-12-01T09:00:00Z');
INSERT INTO public.deliveries VALUES (4, 'uk-disability-history-month:lead-1:2026-11-19:console', 'uk-disability-history-month', 'lead-time', 'lead-1', '2026-11-19', 'console', '2026-11-19T09:00:00Z', '2026-11-20T00:00:00Z', 'expired', 0, NULL, NULL, 'expired: planned after its not_after (downtime)', NULL, '{"body": "UK Disability History Month starts tomorrow (Fri 20 Nov 2026).\nWe mark UK Disability History Month with a blog by disabled colleagues on this year''s theme,\na lunchtime event with the disability network, and a reminder to managers about reasonable\nadjustments and the Access to Work scheme.", "event": {"description": "An annual month, first held in 2010, on the history of disabled people''s struggle for equality and human rights, with a different theme each year. It spans World AIDS Day, the International Day of Persons with Disabilities and Human Rights Day.", "end": "2026-12-20", "name": "UK Disability History Month", "start": "2026-11-20", "uid": "2A949787-E1BB-577F-8CF2-CA8B74CF2013", "url": "https://ukdhm.org/"}, "links": [["Campaign plan", "http://127.0.0.1:8000/campaigns/uk-disability-history-month/2026"], ["About UK Disability History Month", "https://ukdhm.org/"]], "title": "UK Disability History Month tomorrow: UK Disability History Month: lived experience and reasonable adjustments"}', NULL, '2026-12-01T09:00:00Z', '2026-12-01T09:00:00Z');
INSERT INTO public.deliveries VALUES (5, 'uk-disability-history-month:announce:2026-11-20:console', 'uk-disability-history-month', 'announce', 'announce', '2026-11-20', 'console', '2026-11-20T09:00:00Z', '2026-11-21T00:00:00Z', 'expired', 0, NULL, NULL, 'expired: planned after its not_after (downtime)', NULL, '{"body": "An annual month, first held in 2010, on the history of disabled people''s struggle for equality and human rights, with a different theme each year. It spans World AIDS Day, the International Day of Persons with Disabilities and Human Rights Day.", "event": {"description": "An annual month, first held in 2010, on the history of disabled people''s struggle for equality and human rights, with a different theme each year. It spans World AIDS Day, the International Day of Persons with Disabilities and Human Rights Day.", "end": "2026-12-20", "name": "UK Disability History Month", "start": "2026-11-20", "uid": "2A949787-E1BB-577F-8CF2-CA8B74CF2013", "url": "https://ukdhm.org/"}, "links": [["About UK Disability History Month", "https://ukdhm.org/"]], "title": "Today: UK Disability History Month"}', NULL, '2026-12-01T09:00:00Z', '2026-12-01T09:00:00Z');


--
-- Data for Name: feed_events; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.feed_events VALUES ('observances', 'A73A2A3C-4145-57B8-A40A-0F507592CED2', 'lohri', '2026', '51749cb304a64c2385d6bc9fda5ec2191baa572ceb6ac28d7b6c2392d5ad4ca3', 0, '2026-12-01T07:42:58Z', NULL, '{"categories": ["Religion or belief", "Race"], "description": "A Punjabi winter festival celebrated by Sikhs and Hindus on the eve of Makar Sankranti, with a bonfire, songs, dancing and sweets; especially joyful for families with a new baby or newly married couple.\n\nEstimated date: may vary by 1 day, as the date is set by local observation or announcement nearer the time.\n\nMore information: https://en.wikipedia.org/wiki/Lohri", "end": "2026-01-13", "origin": {"calendar": "sikh", "categories": ["religion_belief", "race"], "instance": "2026", "observance_id": "lohri"}, "start": "2026-01-13", "status": "TENTATIVE", "summary": "Lohri", "uid": "A73A2A3C-4145-57B8-A40A-0F507592CED2", "url": "https://en.wikipedia.org/wiki/Lohri"}');
INSERT INTO public.feed_events VALUES ('observances', 'E207D3DE-2666-5DFA-BE4A-783D7106997C', 'holocaust-memorial-day', '2026', '92494b547a8f535a22da19e208b0041bd9dc9b5df6f0917beb59980a82f2626f', 0, '2026-12-01T07:42:58Z', NULL, '{"categories": ["Religion or belief", "Race"], "description": "Remembers the six million Jews murdered in the Holocaust, the millions of other people killed under Nazi persecution, and the victims of later genocides in Cambodia, Rwanda, Bosnia and Darfur. The date is the anniversary of the liberation of Auschwitz-Birkenau in 1945.\n\nMore information: https://www.hmd.org.uk/", "end": "2026-01-27", "origin": {"calendar": "awareness", "categories": ["religion_belief", "race"], "instance": "2026", "observance_id": "holocaust-memorial-day"}, "start": "2026-01-27", "status": "CONFIRMED", "summary": "Holocaust Memorial Day", "uid": "E207D3DE-2666-5DFA-BE4A-783D7106997C", "url": "https://www.hmd.org.uk/"}');
INSERT INTO public.feed_events VALUES ('observances', '09A8148A-4308-5A18-BB45-9272541602B1', 'race-equality-week', '2026', 'f92b0ee71791ec35635871cbdab191984a751ca57312edba3f209ac390bd912d', 0, '2026-12-01T07:42:58Z', NULL, '{"categories": ["Race"], "description": "A UK-wide week run by Race Equality Matters that unites organisations to take practical action against barriers to race equality at work.\n\nProvisional date: the organiser has not yet announced the 2026 dates. This date follows the usual pattern and will be updated when they do.\n\nMore information: https://raceequalitymatters.com/race-equality-week/", "end": "2026-02-08", "origin": {"calendar": "awareness-weeks", "categories": ["race"], "instance": "2026", "observance_id": "race-equality-week"}, "start": "2026-02-02", "status": "TENTATIVE", "summary": "Race Equality Week", "uid": "09A8148A-4308-5A18-BB45-9272541602B1", "url": "https://raceequalitymatters.com/race-equality-week/"}');
INSERT INTO public.feed_events VALUES ('observances', '5DC2E541-753D-5B1B-8913-428036B349D5', 'lunar-new-year', '2026', '32e944c6f3a2b2866142ee70e9be651a1ae24ca5a5059db206b58f6194987a58', 0, '2026-12-01T07:42:58Z', NULL, '{"categories": ["Religion or belief", "Race"], "description": "The first day of the first month of the Chinese lunisolar calendar, celebrated by Chinese, Korean (Seollal), Vietnamese (Tet) and other communities with a reunion dinner on New Year''s Eve, red envelopes and lion dances; festivities run for fifteen days to the Lantern Festival.\n\nEstimated date: may vary by 1 day, as the date is set by local observation or announcement nearer the time.\n\nMore information: https://en.wikipedia.org/wiki/Chinese_New_Year", "end": "2026-02-17", "origin": {"calendar": "chinese-and-east-asian", "categories": ["religion_belief", "race"], "instance": "2026", "observance_id": "lunar-new-year"}, "start": "2026-02-17", "status": "TENTATIVE", "summary": "Lunar New Year (Chinese New Year)", "uid": "5DC2E541-753D-5B1B-8913-428036B349D5", "url": "https://en.wikipedia.org/wiki/Chinese_New_Year"}');
INSERT INTO public.feed_events VALUES ('observances', 'D91FBF54-5496-5E83-8F1C-FE0B4758AD32', 'losar', '2026', 'abb4e61914d1f67d0c2659107ec210ba17ace5fac8214c589f8062bd86352243', 0, '2026-12-01T07:42:58Z', NULL, '{"categories": ["Religion or belief", "Race"], "description": "The Tibetan New Year, celebrated by Tibetan, Sherpa and Bhutanese communities for fifteen days, with the first three days for family, monastery visits, offerings and prayer.\n\nMore information: https://en.wikipedia.org/wiki/Losar", "end": "2026-02-18", "origin": {"calendar": "buddhist", "categories": ["religion_belief", "race"], "instance": "2026", "observance_id": "losar"}, "start": "2026-02-18", "status": "CONFIRMED", "summary": "Losar (Tibetan New Year)", "uid": "D91FBF54-5496-5E83-8F1C-FE0B4758AD32", "url": "https://en.wikipedia.org/wiki/Losar"}');
INSERT INTO public.feed_events VALUES ('observances', 'E62CA9AD-DA4C-5AE8-ADDB-ECBF3A39EF6C', 'international-day-elimination-racial-discrimination', '2026', '7ccdc918430fe06b10fbbe0bb8323f2a3491321049f2f8b2a4d5e94929a8c15a', 0, '2026-12-01T07:42:58Z', NULL, '{"categories": ["Race"], "description": "A UN day marking the anniversary of the 1960 Sharpeville massacre in South Africa and calling for an end to racism in all its forms.\n\nMore information: https://www.un.org/en/observances/end-racism-day", "end": "2026-03-21", "origin": {"calendar": "awareness", "categories": ["race"], "instance": "2026", "observance_id": "international-day-elimination-racial-discrimination"}, "start": "2026-03-21", "status": "CONFIRMED", "summary": "International Day for the Elimination of Racial Discrimination", "uid": "E62CA9AD-DA4C-5AE8-ADDB-ECBF3A39EF6C", "url": "https://www.un.org/en/observances/end-racism-day"}');
INSERT INTO public.feed_events VALUES ('observances', 'A047E90F-731C-53F1-89C9-60E35623BB30', 'nowruz', '2026', '99a8330d9afe3d12efecd5e4bd70b66f2fe87534e55a8f70013abdb6c6254668', 0, '2026-12-01T07:42:58Z', NULL, '{"categories": ["Religion or belief", "Race"], "description": "The New Year at the spring equinox, with roots in Zoroastrian tradition, celebrated by Iranian, Kurdish, Afghan, Central Asian and Parsi communities (as Jamshedi Navroz) with the haft-sin table, spring cleaning and family visits. It falls on 20 or 21 March depending on the equinox.\n\nMore information: https://en.wikipedia.org/wiki/Nowruz", "end": "2026-03-21", "origin": {"calendar": "other-faiths", "categories": ["religion_belief", "race"], "instance": "2026", "observance_id": "nowruz"}, "start": "2026-03-21", "status": "CONFIRMED", "summary": "Nowruz (Persian New Year)", "uid": "A047E90F-731C-53F1-89C9-60E35623BB30", "url": "https://en.wikipedia.org/wiki/Nowruz"}');
INSERT INTO public.feed_events VALUES ('observances', 'A0D624A8-CB03-58FC-ABC7-8B963D4B11B4', 'yom-hashoah', '2026', '0bf2c8f4737846d926c144d9daa3753ce9bc6128b7754a267063f30bd0b5f1e4', 0, '2026-12-01T07:42:58Z', NULL, '{"categories": ["Religion or belief", "Race"], "description": "The Jewish day of remembrance for the six million Jews murdered in the Holocaust. When 27 Nisan falls next to Shabbat, the day moves to the Thursday or Monday.\n\nBegins at sunset on the evening before.\n\nMore information: https://en.wikipedia.org/wiki/Yom_HaShoah", "end": "2026-04-14", "origin": {"calendar": "jewish", "categories": ["religion_belief", "race"], "instance": "2026", "observance_id": "yom-hashoah"}, "start": "2026-04-14", "status": "CONFIRMED", "summary": "Yom HaShoah (Holocaust Remembrance Day)", "uid": "A0D624A8-CB03-58FC-ABC7-8B963D4B11B4", "url": "https://en.wikipedia.org/wiki/Yom_HaShoah"}');
INSERT INTO public.feed_events VALUES ('campaign-plan', '7E472300-8D9D-5F5F-A85B-267CBA588F52', '', '', 'ce56eb5e19f07e1526f6cf4ae1e16656f19262b391049c10f5023fef83b90568', 0, '2026-12-01T07:42:59Z', NULL, '{"categories": ["Campaign task"], "description": "Black History Month: staff stories and resources (2026)\nBlack History Month (UK): 2026-10-01 to 2026-10-31\nTask: Update the intranet resources page (update-resources)\nWhen: -3 working days\nOwner: Communications officer", "end": "2026-09-28", "start": "2026-09-28", "status": "CONFIRMED", "summary": "Due: Update the intranet resources page (Black History Month: staff stories and resources)", "uid": "7E472300-8D9D-5F5F-A85B-267CBA588F52", "url": "https://www.blackhistorymonth.org.uk/"}');
INSERT INTO public.feed_events VALUES ('observances', '959010C2-C912-5165-8868-7FB976C787F1', 'world-day-for-cultural-diversity', '2026', '6f9218c6293e437f6b97ceabe0de055d5c2ddbd9c92d0121a8559c6d0265b6e4', 0, '2026-12-01T07:42:58Z', NULL, '{"categories": ["Race", "Religion or belief"], "description": "A UN day celebrating the richness of the world''s cultures and the role of dialogue between them in peace and development.\n\nMore information: https://www.un.org/en/observances/cultural-diversity-day", "end": "2026-05-21", "origin": {"calendar": "awareness", "categories": ["race", "religion_belief"], "instance": "2026", "observance_id": "world-day-for-cultural-diversity"}, "start": "2026-05-21", "status": "CONFIRMED", "summary": "World Day for Cultural Diversity for Dialogue and Development", "uid": "959010C2-C912-5165-8868-7FB976C787F1", "url": "https://www.un.org/en/observances/cultural-diversity-day"}');
INSERT INTO public.feed_events VALUES ('observances', '69A6E29E-509C-589A-91D3-B6119EEAA73A', 'gypsy-roma-traveller-history-month', '2026', 'a6b888c463c04afdb0e5aa6b3b631e004d4a367ee76ef0555091457c4e61f8cc', 0, '2026-12-01T07:42:58Z', NULL, '{"categories": ["Race"], "description": "Celebrates the history, culture and contribution of Gypsy, Roma and Traveller communities in the UK and challenges the prejudice they still face.\n\nMore information: https://www.travellermovement.org.uk/gypsy-roma-and-traveller-history-month", "end": "2026-06-30", "origin": {"calendar": "awareness", "categories": ["race"], "instance": "2026", "observance_id": "gypsy-roma-traveller-history-month"}, "start": "2026-06-01", "status": "CONFIRMED", "summary": "Gypsy, Roma and Traveller History Month", "uid": "69A6E29E-509C-589A-91D3-B6119EEAA73A", "url": "https://www.travellermovement.org.uk/gypsy-roma-and-traveller-history-month"}');
INSERT INTO public.feed_events VALUES ('observances', 'A1825E86-77F0-53EF-8DE5-2AB7405F181D', 'refugee-week', '2026', 'e3886840909c710f7273c45f4726c093e5c8dc9140e002b9e29cbd5ac822797c', 0, '2026-12-01T07:42:58Z', NULL, '{"categories": ["Race"], "description": "A UK arts and culture festival, coordinated by Counterpoints Arts since 1998, celebrating the contributions, creativity and resilience of refugees and people seeking sanctuary.\n\nTheme for 2026: Courage\n\nMore information: https://refugeeweek.org.uk/", "end": "2026-06-21", "origin": {"calendar": "awareness-weeks", "categories": ["race"], "instance": "2026", "observance_id": "refugee-week"}, "start": "2026-06-15", "status": "CONFIRMED", "summary": "Refugee Week", "uid": "A1825E86-77F0-53EF-8DE5-2AB7405F181D", "url": "https://refugeeweek.org.uk/"}');
INSERT INTO public.feed_events VALUES ('observances', 'D87E19A9-301B-51C6-9D3C-208A34360556', 'windrush-day', '2026', '992c1b2cf04b070d0fc238893cd91d56ed6783fac9901e1f1f292443aa1cc65d', 0, '2026-12-01T07:42:58Z', NULL, '{"categories": ["Race"], "description": "Honours the contribution of the Windrush generation and their descendants, marking the arrival of HMT Empire Windrush at Tilbury on 22 June 1948. Many Windrush arrivals went on to work in the new NHS.\n\nMore information: https://www.gov.uk/government/news/windrush-day", "end": "2026-06-22", "origin": {"calendar": "awareness", "categories": ["race"], "instance": "2026", "observance_id": "windrush-day"}, "start": "2026-06-22", "status": "CONFIRMED", "summary": "Windrush Day", "uid": "D87E19A9-301B-51C6-9D3C-208A34360556", "url": "https://www.gov.uk/government/news/windrush-day"}');
INSERT INTO public.feed_events VALUES ('observances', '75A9416F-90EF-5182-BB8A-53B60CB3D382', 'srebrenica-memorial-day', '2026', 'b9c9a6f2a2c69ce691ff63e24431821806a2665d0088ba2ed33f5c2819d0e2aa', 0, '2026-12-01T07:42:58Z', NULL, '{"categories": ["Religion or belief", "Race"], "description": "Remembers the more than 8,000 Bosnian Muslim men and boys murdered in the Srebrenica genocide of July 1995 and works against hatred and intolerance today.\n\nMore information: https://srebrenica.org.uk/", "end": "2026-07-11", "origin": {"calendar": "awareness", "categories": ["religion_belief", "race"], "instance": "2026", "observance_id": "srebrenica-memorial-day"}, "start": "2026-07-11", "status": "CONFIRMED", "summary": "Srebrenica Memorial Day", "uid": "75A9416F-90EF-5182-BB8A-53B60CB3D382", "url": "https://srebrenica.org.uk/"}');
INSERT INTO public.feed_events VALUES ('observances', 'C58D780E-1129-5564-9BE0-4C1D569863A5', 'south-asian-heritage-month', '2026', '27edc34de9eec09fae286bd84568614160e81dc1d4597aa1531d13dfedf49e5c', 0, '2026-12-01T07:42:58Z', NULL, '{"categories": ["Race"], "description": "Celebrates the history, cultures and contributions of people of South Asian heritage in the UK. It runs from 18 July, the date of the Indian Independence Act 1947, to 17 August, when the Radcliffe Line was published.\n\nMore information: https://www.southasianheritage.org.uk/", "end": "2026-08-17", "origin": {"calendar": "awareness", "categories": ["race"], "instance": "2026", "observance_id": "south-asian-heritage-month"}, "start": "2026-07-18", "status": "CONFIRMED", "summary": "South Asian Heritage Month", "uid": "C58D780E-1129-5564-9BE0-4C1D569863A5", "url": "https://www.southasianheritage.org.uk/"}');
INSERT INTO public.feed_events VALUES ('observances', '8D7BE1A6-E2C8-5830-A754-19BD665D7F1E', 'indigenous-peoples-day', '2026', '0da77e9db37b0ddceedb26c4e7648ebf5b06984c1a9b508ecc4a2a8eff96803b', 0, '2026-12-01T07:42:58Z', NULL, '{"categories": ["Race"], "description": "A UN day recognising the rights, cultures and contributions of Indigenous peoples around the world.\n\nMore information: https://www.un.org/en/observances/indigenous-day", "end": "2026-08-09", "origin": {"calendar": "awareness", "categories": ["race"], "instance": "2026", "observance_id": "indigenous-peoples-day"}, "start": "2026-08-09", "status": "CONFIRMED", "summary": "International Day of the World''s Indigenous Peoples", "uid": "8D7BE1A6-E2C8-5830-A754-19BD665D7F1E", "url": "https://www.un.org/en/observances/indigenous-day"}');


--
-- Data for Name: meta; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.meta VALUES ('reminders.planned_until', '2026-12-02T21:00:00Z');
INSERT INTO public.meta VALUES ('reminders.last_tick', '2026-12-01T09:00:00Z');


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.schema_migrations VALUES ('0001_initial', '2026-12-01T07:42:58Z');
INSERT INTO public.schema_migrations VALUES ('0002_deliveries_state_due_index', '2026-12-01T07:42:58Z');


--
-- Name: campaign_progress_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.campaign_progress_id_seq', 1, true);


--
-- Name: deliveries_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.deliveries_id_seq', 5, true);


--
-- Name: campaign_progress campaign_progress_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_progress
    ADD CONSTRAINT campaign_progress_pkey PRIMARY KEY (id);


--
-- Name: deliveries deliveries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deliveries
    ADD CONSTRAINT deliveries_pkey PRIMARY KEY (id);


--
-- Name: feed_events feed_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.feed_events
    ADD CONSTRAINT feed_events_pkey PRIMARY KEY (scope, uid);


--
-- Name: meta meta_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.meta
    ADD CONSTRAINT meta_pkey PRIMARY KEY (key);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (name);


--
-- Name: deliveries uq_deliveries_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deliveries
    ADD CONSTRAINT uq_deliveries_key UNIQUE (key);


--
-- Name: ix_campaign_progress_campaign_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_campaign_progress_campaign_id ON public.campaign_progress USING btree (campaign_id);


--
-- Name: ix_deliveries_destination; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_deliveries_destination ON public.deliveries USING btree (destination);


--
-- Name: ix_deliveries_due_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_deliveries_due_at ON public.deliveries USING btree (due_at);


--
-- Name: ix_deliveries_state; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_deliveries_state ON public.deliveries USING btree (state);


--
-- Name: ix_deliveries_state_due_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_deliveries_state_due_at ON public.deliveries USING btree (state, due_at);


--
-- PostgreSQL database dump complete
--

\unrestrict A3lja0gdczvoKWvpBR5VaeSMD6K81Ek7kL2JzPCv63HhmfTvOQanY4wPFUmyA9r

