// Model providers and AI platforms: OpenAI (user, project, service-account, admin keys),
// Anthropic (API and admin keys), Google AI, Mistral, Groq, xAI, Cohere, Hugging Face,
// Replicate, OpenRouter, Perplexity, DeepSeek and others. Shapes follow each provider's keys.
import type { DetectorSpec } from '../types';
import { END, START } from './fragments';
import { named, run, token } from './make';

export const AI_DETECTORS: DetectorSpec[] = [
  {
    id: 'openai-api-key',
    description: 'OpenAI API key carrying the T3BlbkFJ marker (legacy sk-…, and sk-proj-/sk-svcacct-/sk-admin- keys with it)',
    keywords: ['sk-'],
    pattern: new RegExp(`${START}sk-(?:(?:proj|svcacct|admin|None)-)?[A-Za-z0-9_-]{16,160}?T3BlbkFJ[A-Za-z0-9_-]{16,160}${END}`),
    shape: ['sk-proj-', run('url', 74), 'T3BlbkFJ', run('url', 74)],
    fps: ['OPENAI_API_KEY="sk-..."', 'sk-T3BlbkFJ'],
    minEntropy: 4,
    priority: 25,
  },
  token('openai-project-key', 'OpenAI project API key (sk-proj-…)', ['sk-proj-', run('url', 156)], { pattern: new RegExp(`${START}sk-proj-[A-Za-z0-9_-]{40,200}${END}`), minEntropy: 4 }),
  token('openai-service-account-key', 'OpenAI service-account API key (sk-svcacct-…)', ['sk-svcacct-', run('url', 156)], { pattern: new RegExp(`${START}sk-svcacct-[A-Za-z0-9_-]{40,200}${END}`), minEntropy: 4 }),
  token('openai-admin-key', 'OpenAI Admin API key (sk-admin-…)', ['sk-admin-', run('url', 156)], { pattern: new RegExp(`${START}sk-admin-[A-Za-z0-9_-]{40,200}${END}`), minEntropy: 4, priority: 22 }),
  token('anthropic-api-key', 'Anthropic API key (sk-ant-api03-…)', ['sk-ant-api03-', run('url', 93), 'AA'], {
    keywords: ['sk-ant-api'],
    pattern: new RegExp(`${START}sk-ant-api0[0-9]-[A-Za-z0-9_-]{80,110}AA${END}`),
    minEntropy: 4,
    priority: 30,
    fps: ['ANTHROPIC_API_KEY=sk-ant-api03-...'],
  }),
  token('anthropic-admin-key', 'Anthropic Admin API key (sk-ant-admin01-…)', ['sk-ant-admin01-', run('url', 93), 'AA'], {
    keywords: ['sk-ant-admin'],
    pattern: new RegExp(`${START}sk-ant-admin0[0-9]-[A-Za-z0-9_-]{80,110}AA${END}`),
    minEntropy: 4,
    priority: 30,
  }),
  token('huggingface-token', 'Hugging Face user access token (hf_…)', ['hf_', run('alpha', 34)], {
    pattern: new RegExp(`${START}hf_[A-Za-z0-9]{34,40}${END}`),
    minEntropy: 3.8,
    fps: ['from huggingface_hub import hf_hub_download'],
  }),
  token('huggingface-org-token', 'Hugging Face organisation API token (api_org_…)', ['api_org_', run('alpha', 34)], { pattern: new RegExp(`${START}api_org_[A-Za-z0-9]{34,40}${END}`), minEntropy: 3.8 }),
  token('groq-api-key', 'Groq API key (gsk_…)', ['gsk_', run('alnum', 52)], { minEntropy: 4 }),
  token('xai-api-key', 'xAI (Grok) API key (xai-…)', ['xai-', run('alnum', 80)], { minEntropy: 4 }),
  token('replicate-api-token', 'Replicate API token (r8_…)', ['r8_', run('alnum', 37)], { minEntropy: 3.8 }),
  token('openrouter-api-key', 'OpenRouter API key (sk-or-v1-…)', ['sk-or-v1-', run('hex', 64)], { priority: 26 }),
  token('perplexity-api-key', 'Perplexity API key (pplx-…)', ['pplx-', run('alnum', 48)], { minEntropy: 3.8 }),
  named('deepseek-api-key', 'DeepSeek API key (sk- + 32 hex) assigned to a DeepSeek name', ['deepseek'], ['sk-', run('hex', 32)], 'DEEPSEEK_API_KEY', { priority: 26 }),
  named('mistral-api-key', 'Mistral AI API key (32 alphanumerics) assigned to a Mistral name', ['mistral'], [run('alnum', 32)], 'MISTRAL_API_KEY', { minEntropy: 3.8 }),
  named('cohere-api-key', 'Cohere API key (40 alphanumerics) assigned to a Cohere / CO_API_KEY name', ['cohere', 'co_api_key'], [run('alnum', 40)], 'COHERE_API_KEY', { minEntropy: 3.8 }),
  named('together-api-key', 'Together AI API key (64 hex, or tgp_v1_…) assigned to a Together name', ['together'], [run('hex', 64)], 'TOGETHER_API_KEY', {
    after: '(?![A-Za-z0-9])',
  }),
  token('fireworks-api-key', 'Fireworks AI API key (fw_…)', ['fw_', run('alnum', 24)], { minEntropy: 3.8 }),
  token('cerebras-api-key', 'Cerebras API key (csk-…)', ['csk-', run('lowerNum', 48)], { minEntropy: 3.8 }),
  token('nvidia-api-key', 'NVIDIA NGC / build.nvidia.com API key (nvapi-…)', ['nvapi-', run('url', 64)], { minEntropy: 4 }),
  token('langsmith-api-key', 'LangSmith personal or service key (lsv2_pt_… / lsv2_sk_…)', ['lsv2_pt_', run('hex', 32), '_', run('hex', 10)], {
    keywords: ['lsv2_'],
    pattern: new RegExp(`${START}lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}${END}`),
  }),
  token('langfuse-secret-key', 'Langfuse secret key (sk-lf-<uuid>)', ['sk-lf-', run('hex', 8), '-', run('hex', 4), '-', run('hex', 4), '-', run('hex', 4), '-', run('hex', 12)]),
  token('pinecone-api-key', 'Pinecone API key (pcsk_…)', ['pcsk_', run('alnum', 6), '_', run('alnum', 63)], { pattern: new RegExp(`${START}pcsk_[A-Za-z0-9]{4,10}_[A-Za-z0-9]{50,80}${END}`), minEntropy: 4 }),
  token('elevenlabs-api-key', 'ElevenLabs API key (sk_ + 48 hex)', ['sk_', run('hex', 48)]),
  named('assemblyai-api-key', 'AssemblyAI API key (32 hex) assigned to an AssemblyAI name', ['assemblyai', 'assembly_ai'], [run('hex', 32)], 'ASSEMBLYAI_API_KEY', { after: '(?![A-Za-z0-9])' }),
  named('deepgram-api-key', 'Deepgram API key (40 hex) assigned to a Deepgram name', ['deepgram'], [run('hex', 40)], 'DEEPGRAM_API_KEY', { after: '(?![A-Za-z0-9])' }),
  named('wandb-api-key', 'Weights & Biases API key (40 hex) assigned to a WANDB name', ['wandb'], [run('hex', 40)], 'WANDB_API_KEY', { after: '(?![A-Za-z0-9])' }),
  named('stability-api-key', 'Stability AI API key (sk- + 48 alphanumerics) assigned to a Stability name', ['stability'], ['sk-', run('alnum', 48)], 'STABILITY_API_KEY', { priority: 26 }),
  named('voyage-api-key', 'Voyage AI API key (pa-…) assigned to a Voyage name', ['voyage'], ['pa-', run('url', 43)], 'VOYAGE_API_KEY', { minEntropy: 3.8 }),
  named('ai21-api-key', 'AI21 Labs API key (32 alphanumerics) assigned to an AI21 name', ['ai21'], [run('alnum', 32)], 'AI21_API_KEY', { minEntropy: 3.8 }),
];
