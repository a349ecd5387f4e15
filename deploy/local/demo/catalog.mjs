// The demo's users and the words its jobs are written from (seed.mjs loads them). The
// credentials are fixed and public on purpose: this is a local demo stack, never a deployment.
export const DEMO_PASSWORD = "demo-password-2026";

export const OPERATOR = {
  email: "demo-operator@market.example",
  displayName: "Demo Operations",
  country: "DE",
  currency: "EUR",
};

// USD value of one major unit (the demo's FX rates are derived from these) and minor-unit digits.
export const CURRENCIES = {
  USD: { usdPerUnit: 1, exponent: 2 },
  EUR: { usdPerUnit: 1.0842, exponent: 2 },
  INR: { usdPerUnit: 0.01198, exponent: 2 },
  BRL: { usdPerUnit: 0.2015, exponent: 2 },
  CAD: { usdPerUnit: 0.731, exponent: 2 },
  JPY: { usdPerUnit: 0.006645, exponent: 0 },
};

export const CLIENTS = [
  { email: "demo-client@market.example", displayName: "Anna Becker", company: "Hanse Logistics GmbH", country: "DE", currency: "EUR" },
  { email: "ops@brightside.example", displayName: "Jordan Miller", company: "Brightside Analytics LLC", country: "US", currency: "USD" },
  { email: "it@sakura-retail.example", displayName: "Haruto Sato", company: "Sakura Retail KK", country: "JP", currency: "JPY" },
  { email: "finance@mapleledger.example", displayName: "Olivia Roy", company: "Maple Ledger Inc.", country: "CA", currency: "CAD" },
  { email: "produto@cafe-paulista.example", displayName: "Beatriz Lima", company: "Café Paulista Ltda", country: "BR", currency: "BRL" },
].map((client) => ({ ...client, role: "ROLE_CLIENT" }));

export const FREELANCERS = [
  {
    email: "demo-freelancer@market.example", displayName: "Priya Sharma", country: "IN", currency: "INR",
    timezone: "Asia/Kolkata", languages: ["en", "hi"], rateUsd: 45, hours: 40,
    headline: "Backend engineer: Go, PostgreSQL and payment integrations",
    overview: "Eight years building backends for fintech and logistics companies: REST and gRPC APIs in Go, PostgreSQL schema design and tuning, Stripe and Razorpay integrations, nightly reconciliation jobs.",
    skills: ["go", "postgresql", "rest api", "stripe", "docker"],
    portfolio: { title: "Reconciliation engine for a payments startup", description: "Matches 2 million bank lines a night against the ledger.", url: "https://example.com/portfolio/reconciliation" },
    offerTitles: [
      { title: "I will build a REST API in Go with PostgreSQL", description: "A documented REST API with tests, migrations and a Dockerfile, up to 10 endpoints.", usd: 900, days: 10 },
      { title: "I will tune your slow PostgreSQL queries", description: "EXPLAIN ANALYZE of your ten slowest queries, indexes and rewrites, with before and after timings.", usd: 350, days: 4 },
    ],
  },
  {
    email: "lucas.oliveira@market.example", displayName: "Lucas Oliveira", country: "BR", currency: "BRL",
    timezone: "America/Sao_Paulo", languages: ["pt", "en"], rateUsd: 35, hours: 30,
    headline: "Mobile developer: Flutter and Kotlin apps from idea to store",
    overview: "I design and ship Android and iOS apps with Flutter and Kotlin: offline-first sync, push notifications, in-app payments and store releases.",
    skills: ["flutter", "kotlin", "android", "ios", "firebase"],
    offerTitles: [
      { title: "I will build your Flutter app MVP", description: "Five screens, login, API integration and a store-ready build for Android and iOS.", usd: 1800, days: 21 },
      { title: "I will fix crashes in your Android app", description: "Crashlytics triage and fixes for your top five crashes.", usd: 300, days: 5 },
    ],
  },
  {
    email: "emilie.tremblay@market.example", displayName: "Émilie Tremblay", country: "CA", currency: "CAD",
    timezone: "America/Toronto", languages: ["fr", "en"], rateUsd: 55, hours: 25,
    headline: "Product designer: UX research, Figma prototypes and design systems",
    overview: "I turn fuzzy requirements into tested prototypes: user interviews, journey maps, Figma design systems and handoff that developers enjoy.",
    skills: ["figma", "ux design", "ui design", "design systems", "user research"],
    portfolio: { title: "Design system for a banking app", description: "120 components, dark mode, WCAG AA.", url: "https://example.com/portfolio/design-system" },
    offerTitles: [
      { title: "I will design a landing page in Figma", description: "A responsive landing page design with two rounds of revisions.", usd: 450, days: 6 },
      { title: "I will audit your app's UX", description: "A heuristic review with twenty prioritised fixes and annotated screens.", usd: 600, days: 7 },
    ],
  },
  {
    email: "marcus.johnson@market.example", displayName: "Marcus Johnson", country: "US", currency: "USD",
    timezone: "America/Chicago", languages: ["en", "es"], rateUsd: 80, hours: 20,
    headline: "Data engineer: dbt, Airflow and dashboards your team will use",
    overview: "I build data pipelines and warehouses on BigQuery and Snowflake with dbt and Airflow, and the dashboards on top of them in Metabase and Looker.",
    skills: ["python", "dbt", "airflow", "sql", "bigquery"],
    offerTitles: [
      { title: "I will set up dbt on your warehouse", description: "dbt project, staging and mart models for three sources, tests and docs.", usd: 1500, days: 14 },
      { title: "I will build a Metabase dashboard", description: "One dashboard of up to ten questions on your database.", usd: 400, days: 5 },
    ],
  },
  {
    email: "ines.costa@market.example", displayName: "Inês Costa", country: "PT", currency: "EUR",
    timezone: "Europe/Lisbon", languages: ["pt", "en", "es"], rateUsd: 40, hours: 35,
    headline: "Translator and copywriter: English, Portuguese and Spanish",
    overview: "Native Portuguese translator with ten years of software localisation, legal documents and marketing copy, working in memoQ and Phrase.",
    skills: ["translation", "localization", "copywriting", "portuguese", "spanish"],
    offerTitles: [
      { title: "I will translate 2,000 words English to Portuguese", description: "Human translation, proofread, delivered in your file format.", usd: 160, days: 3 },
      { title: "I will localise your app strings into Spanish", description: "Up to 1,500 strings with context checks and a glossary.", usd: 280, days: 5 },
    ],
  },
  {
    email: "arjun.mehta@market.example", displayName: "Arjun Mehta", country: "IN", currency: "INR",
    timezone: "Asia/Kolkata", languages: ["en", "hi"], rateUsd: 38, hours: 40,
    headline: "DevOps engineer: Kubernetes, Terraform and CI/CD on AWS",
    overview: "I move teams to infrastructure as code: Terraform on AWS, Kubernetes with Helm, GitHub Actions pipelines, monitoring with Prometheus and Grafana.",
    skills: ["kubernetes", "terraform", "aws", "ci/cd", "prometheus"],
    offerTitles: [
      { title: "I will set up CI/CD with GitHub Actions", description: "Build, test and deploy pipelines for one service, with environments.", usd: 500, days: 5 },
      { title: "I will write Terraform for your AWS account", description: "VPC, ECS or EKS, RDS and IAM as code, with a README.", usd: 1200, days: 12 },
    ],
  },
  {
    email: "yuki.tanaka@market.example", displayName: "Yuki Tanaka", country: "JP", currency: "JPY",
    timezone: "Asia/Tokyo", languages: ["ja", "en"], rateUsd: 60, hours: 20,
    headline: "Frontend engineer: React, TypeScript and accessible interfaces",
    overview: "I build fast, accessible React and Next.js frontends in TypeScript, with component tests and Storybook.",
    skills: ["react", "typescript", "next.js", "accessibility", "css"],
    offerTitles: [
      { title: "I will build a React component library", description: "Ten accessible components in TypeScript with Storybook.", usd: 1100, days: 14 },
      { title: "I will fix your site's accessibility issues", description: "WCAG 2.2 AA audit and fixes on up to five pages.", usd: 650, days: 7 },
    ],
  },
  {
    email: "sofia.garcia@market.example", displayName: "Sofía García", country: "ES", currency: "EUR",
    timezone: "Europe/Madrid", languages: ["es", "en"], rateUsd: 42, hours: 30,
    headline: "Growth marketer: SEO, Google Ads and marketing analytics",
    overview: "I grow B2B SaaS and e-commerce traffic with technical SEO, content plans, Google Ads and clean GA4 tracking.",
    skills: ["seo", "google ads", "content marketing", "ga4", "email marketing"],
    offerTitles: [
      { title: "I will run a technical SEO audit", description: "Crawl, Core Web Vitals and a prioritised fix list.", usd: 380, days: 5 },
      { title: "I will set up GA4 and conversion tracking", description: "GA4, Tag Manager and five conversions, with a dashboard.", usd: 300, days: 4 },
    ],
  },
  {
    email: "rafael.souza@market.example", displayName: "Rafael Souza", country: "BR", currency: "BRL",
    timezone: "America/Sao_Paulo", languages: ["pt", "en"], rateUsd: 30, hours: 40,
    headline: "Accountant and financial modeller for startups",
    overview: "Chartered accountant: bookkeeping in Xero and QuickBooks, month-end close, cash-flow forecasts and investor-ready financial models.",
    skills: ["accounting", "financial modeling", "excel", "xero", "bookkeeping"],
    offerTitles: [
      { title: "I will build a three-statement financial model", description: "Income statement, balance sheet and cash flow for five years.", usd: 700, days: 8 },
      { title: "I will reconcile a quarter of bookkeeping", description: "Bank and card reconciliation in Xero or QuickBooks for one quarter.", usd: 250, days: 5 },
    ],
  },
].map((freelancer) => ({ ...freelancer, role: "ROLE_FREELANCER" }));

const contexts = ["for a logistics company", "for our online shop"];
const field = (name, skills, usd, objects, openers, details, closers) => ({
  name,
  skills,
  usd,
  titles: objects.flatMap((object) => contexts.map((context) => `${object} ${context}`)),
  openers,
  details,
  closers,
});

// Eight fields of work; each gives 14 job titles (7 tasks in 2 settings).
export const FIELDS = [
  field("backend", ["go", "postgresql", "rest api", "python", "node.js", "stripe"], [800, 9000],
    ["Build a REST API for shipment tracking", "Integrate Stripe billing and invoices", "Migrate a MySQL database to PostgreSQL", "Build a webhook service with retries", "Speed up slow order queries", "Write a nightly bank reconciliation job", "Add multi-currency pricing to our backend"],
    ["We are a small team and need an experienced backend engineer.", "Our current backend grew without a plan and now needs a careful hand.", "We are looking for a developer who has shipped payment systems before."],
    ["The service must expose a documented API, have automated tests and run in Docker.", "Data consistency matters more than speed: every change must be idempotent and logged.", "You will work with our product owner in weekly calls and a shared board."],
    ["Please describe a similar project in your proposal.", "Fixed milestones are fine; tell us how you would split the work.", "Start as soon as possible."]),
  field("mobile", ["flutter", "kotlin", "android", "ios", "react native", "firebase"], [1500, 12000],
    ["Build a Flutter app for delivery drivers", "Add offline sync to our Android app", "Publish our app to the App Store", "Add push notifications and deep links", "Rewrite a React Native screen in Kotlin", "Fix crashes reported in Crashlytics", "Build an in-app loyalty card"],
    ["We need a mobile developer for a well-defined piece of work.", "Our drivers use cheap Android phones with poor connectivity.", "Our customers ask for a native app experience."],
    ["The app talks to our existing REST API; designs are ready in Figma.", "It must work offline and sync when the connection returns.", "You deliver source code, a signed build and a short handover document."],
    ["Tell us which apps you have published.", "Hourly or fixed price, both are possible.", "Please include an estimate per milestone."]),
  field("design", ["figma", "ux design", "ui design", "branding", "design systems"], [400, 5000],
    ["Design a checkout flow in Figma", "Create a brand identity and logo", "Design a dashboard for warehouse staff", "Build a design system for our web app", "Run five user interviews and a report", "Redesign our landing page", "Design onboarding screens"],
    ["We want a designer who can talk to users, not only draw screens.", "Our product works but looks dated.", "We are launching a new product line next quarter."],
    ["Deliverables are Figma files with components and a clickable prototype.", "Accessibility (WCAG AA) and a mobile-first layout are required.", "Two rounds of revisions are expected."],
    ["Please share a portfolio link.", "We prefer designers with e-commerce experience.", "Timeline is flexible within a month."]),
  field("data", ["python", "sql", "dbt", "airflow", "power bi", "machine learning"], [1000, 10000],
    ["Build a sales dashboard in Power BI", "Set up dbt models on BigQuery", "Forecast weekly demand with Python", "Clean and deduplicate our customer data", "Automate a monthly KPI report", "Build an Airflow pipeline from our ERP", "Train a churn prediction model"],
    ["Our data lives in spreadsheets and an ERP nobody can query.", "Management wants reliable numbers every Monday morning.", "We have two years of order history and want to use it."],
    ["The pipeline must be reproducible and documented.", "You will get read access to the source systems and a sample export.", "Please explain your validation approach."],
    ["SQL and Python experience is a must.", "Tell us which tools you would choose and why.", "A short call before starting is welcome."]),
  field("writing", ["translation", "localization", "copywriting", "german", "portuguese", "spanish"], [150, 2500],
    ["Translate product descriptions into German", "Localise our app into Portuguese and Spanish", "Write ten blog posts about supply chains", "Proofread our English website", "Translate a supplier contract into English", "Write email sequences for onboarding", "Create subtitles for training videos"],
    ["We need a native speaker with a business vocabulary.", "Our texts are technical and must stay precise.", "We publish in four languages and need consistency."],
    ["A glossary is provided; please keep terminology consistent.", "Deliver in the original file format (XLIFF, DOCX or SRT).", "Turnaround of about two thousand words a day is expected."],
    ["Please mention your language pairs.", "Sample translations are welcome.", "Long-term collaboration is possible."]),
  field("devops", ["kubernetes", "terraform", "aws", "docker", "ci/cd", "prometheus"], [600, 7000],
    ["Move our services to Kubernetes", "Write Terraform for our AWS account", "Set up CI/CD with GitHub Actions", "Add monitoring and alerts with Prometheus", "Cut our cloud bill by right-sizing", "Set up backups and disaster recovery", "Harden our servers and audit access"],
    ["We run a handful of services on virtual machines set up by hand.", "Our deployments are manual and error-prone.", "We had an outage last month and want to avoid another."],
    ["Everything must be code in our repository, reviewed by our team.", "Zero-downtime deployment is a requirement.", "You will hand over runbooks for the common incidents."],
    ["Certifications are a plus, experience more so.", "Please outline the first two weeks.", "Remote work across time zones is fine."]),
  field("marketing", ["seo", "google ads", "content marketing", "ga4", "social media"], [300, 4000],
    ["Run a technical SEO audit", "Set up Google Ads campaigns", "Plan three months of LinkedIn content", "Set up GA4 and conversion tracking", "Write landing page copy that converts", "Grow our newsletter to 5,000 readers", "Analyse our competitors' keywords"],
    ["We sell B2B services and most leads come from search.", "Our ads spend grows but leads do not.", "We are entering a new country and need local visibility."],
    ["Reporting every two weeks with clear numbers is expected.", "You will get access to Search Console, Analytics and Ads.", "Recommendations must come with an effort estimate."],
    ["Please share results from a similar project.", "Both hourly and fixed offers are welcome.", "Experience with SMEs preferred."]),
  field("finance", ["accounting", "bookkeeping", "financial modeling", "excel", "xero"], [300, 5000],
    ["Build a cash-flow forecast in Excel", "Catch up a year of bookkeeping in Xero", "Prepare an investor financial model", "Reconcile our multi-currency bank accounts", "Set up month-end close procedures", "Review our pricing and margins", "Prepare VAT reports for three countries"],
    ["We are an SME selling in several currencies.", "Our accountant retired and the books are behind.", "We are preparing a funding round."],
    ["Accuracy to the cent and a clear audit trail are essential.", "You will work with our finance manager and our bank exports.", "Please explain how you handle FX differences."],
    ["IFRS experience is a plus.", "Confidentiality agreement required.", "Start within two weeks."]),
];
